/** An offset from T0 as `1d 02:30` (days, hours, minutes). */
export const offsetText = (ms: number): string => {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return `${days > 0 ? `${days}d ` : ''}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
};
