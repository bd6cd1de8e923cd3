#!/usr/bin/env node
// Ask a gRPC server for its grpc.health.v1 status, like grpc_health_probe.
//   node scripts/grpc-health.mjs [host:port] [service]   ->  prints SERVING, exits 0 when serving
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const addr = process.argv[2] ?? process.env.PROFILES_ADDR ?? '127.0.0.1:7204';
const name = process.argv[3] ?? '';
const Client = makeGenericClientConstructor(healthService, 'Health');
const client = new Client(addr, credentials.createInsecure());
client.check({ service: name }, { deadline: Date.now() + 3000 }, (err, res) => {
  if (err) {
    console.error(`${addr}: ${err.message}`);
    process.exit(2);
  }
  console.log(res.status);
  process.exit(res.status === 'SERVING' ? 0 : 1);
});
