/** The `verification` of a clock whose figure was not checked against the primary text. */
export const unverified =
  'Not verified against the primary text: the figure is from the domain reference or published summaries; check it before relying on it';
