// A module hook mending one known fault of the Postgres driver, postgres.js 3.4.9 (porsager/postgres#1154,
// #1208; the fix of PR #1209, not yet released). A query sent on a connection that has just closed (a
// transaction's, when Postgres goes away) is written from `setImmediate` to a socket that is gone: the write
// throws where no caller can catch it, and the process dies, or, caught, the query never settles and its
// request hangs. Mended, the write settles the connection's queries with CONNECTION_CLOSED, as a close does,
// and the request is answered 503. A driver whose `nextWrite` reads otherwise is left as it is.

const unguarded = '    const x = socket.write(chunk, fn)\n';
const guarded =
  "    if (!socket) {\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options, socket))\n      return false\n    }\n" +
  unguarded;

/** The driver's connection module with the guard in `nextWrite`; any other source as it is. */
export function mendConnectionModule(source) {
  return source.replace(unguarded, guarded);
}

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!/[\\/]node_modules[\\/]postgres[\\/]src[\\/]connection\.js$/.test(url)) return loaded;
  return { ...loaded, source: mendConnectionModule(String(loaded.source)) };
}
