// A Node.js CDC client (@vlasky/zongji) reading row events from the sidecar: the binlog
// connection goes to the sidecar, the control connection (table schemas, server flavour) to
// the primary, since the sidecar holds binlog, not tables. Prints one JSON line per inserted
// row of t.cdc, exits 0 after `expected` rows, 1 on an error or after 60 s.
// Usage: node serve_cdc_zongji.mjs SIDECAR_PORT PRIMARY_SOCKET EXPECTED_ROWS

import mysql from 'mysql2';
import ZongJi from '@vlasky/zongji';

const [sidecarPort, primarySocket, expected] = process.argv.slice(2);
const binlog = mysql.createConnection(
  {host: '127.0.0.1', port: Number(sidecarPort), user: 'repl', password: 'replpw'});
const ctrl = mysql.createConnection({socketPath: primarySocket, user: 'root'});
const zongji = new ZongJi({host: '127.0.0.1', port: Number(sidecarPort), user: 'repl',
  password: 'replpw'});
zongji.ctrlConnection = ctrl;
zongji.connection = binlog;

let seen = 0;
const timer = setTimeout(() => {
  console.error(`timed out after ${seen} of ${expected} rows`);
  process.exit(1);
}, 60000);
zongji.on('binlog', (event) => {
  if (event.getTypeName() !== 'WriteRows') return;
  if (event.tableMap[event.tableId].tableName !== 'cdc') return;
  for (const row of event.rows) {
    console.log(JSON.stringify({id: row.id, v: row.v}));
    if (++seen === Number(expected)) {
      clearTimeout(timer);
      process.exit(0);
    }
  }
});
zongji.on('error', (err) => {
  console.error(`zongji: ${err}`);
  process.exit(1);
});
zongji.start({
  filename: 'mysql-bin.000001', position: 4, serverId: 901,
  includeEvents: ['tablemap', 'writerows'],
});
