// The DuckDB side of the diagnose benchmark: the pairing GROUP BY a user would otherwise write over a
// default-format (version 2, space-delimited, no header) flow log — every record grouped by ENI and
// the canonical 5-tuple (the lesser of (srcaddr, srcport) and (dstaddr, dstport) first), with
// ACCEPT and REJECT counts per direction, packets, first start and last end.
//
//   node bench/duckdb_pairing.mjs DUCKDB_PREFIX FILE [THREADS]
//
// DUCKDB_PREFIX is the npm prefix holding @duckdb/node-api (bench/duckdb.sh installs it into a cache
// outside the repository). Prints one line: "groups G records R" — R sums the counted records, so
// every aggregate is consumed and none can be optimised away. Exits 2 on a usage or query error.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [prefix, file, threads = '2'] = process.argv.slice(2);
if (!prefix || !file || !/^[0-9]+$/.test(threads)) {
  console.error('usage: node bench/duckdb_pairing.mjs DUCKDB_PREFIX FILE [THREADS]');
  process.exit(2);
}

const require = createRequire(join(prefix, 'package.json'));
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// NODATA and SKIPDATA records carry '-' in the flow fields: read as NULL and left out with
// log_status = 'OK', as a user grouping connections would.
const query = `
WITH flows AS (
  SELECT interface_id, srcaddr, srcport, dstaddr, dstport, protocol, action, packets, "start", "end",
         (srcaddr, srcport) <= (dstaddr, dstport) AS forward
  FROM read_csv(${sqlString(file)},
    delim = ' ', header = false, nullstr = '-', auto_detect = false,
    columns = {
      'version': 'INTEGER', 'account_id': 'VARCHAR', 'interface_id': 'VARCHAR',
      'srcaddr': 'VARCHAR', 'dstaddr': 'VARCHAR', 'srcport': 'INTEGER', 'dstport': 'INTEGER',
      'protocol': 'INTEGER', 'packets': 'BIGINT', 'bytes': 'BIGINT', 'start': 'BIGINT',
      'end': 'BIGINT', 'action': 'VARCHAR', 'log_status': 'VARCHAR'
    })
  WHERE log_status = 'OK'
),
pairs AS (
  SELECT interface_id,
         CASE WHEN forward THEN srcaddr ELSE dstaddr END AS addr_a,
         CASE WHEN forward THEN srcport ELSE dstport END AS port_a,
         CASE WHEN forward THEN dstaddr ELSE srcaddr END AS addr_b,
         CASE WHEN forward THEN dstport ELSE srcport END AS port_b,
         protocol,
         count_if(forward AND action = 'ACCEPT') AS accept_ab,
         count_if(forward AND action = 'REJECT') AS reject_ab,
         count_if(NOT forward AND action = 'ACCEPT') AS accept_ba,
         count_if(NOT forward AND action = 'REJECT') AS reject_ba,
         sum(packets) AS packets,
         min("start") AS first_start,
         max("end") AS last_end
  FROM flows
  GROUP BY ALL
)
SELECT count(*) AS groups,
       sum(accept_ab + reject_ab + accept_ba + reject_ba) AS records,
       sum(packets) AS packets,
       max(last_end - first_start) AS longest
FROM pairs`;

let instance;
try {
  instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET threads = ${threads}`);
  const reader = await connection.runAndReadAll(query);
  const [groups, records] = reader.getRowsJS()[0];
  console.log(`groups ${groups} records ${records}`);
  connection.closeSync();
} catch (e) {
  console.error(`duckdb: ${e.message ?? e}`);
  process.exitCode = 2;
} finally {
  instance?.closeSync();
}
