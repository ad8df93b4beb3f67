// Preload for profiling the server under `pnpm bench` (see README, BENCH_SERVER_NODE_ARGS): Nest's
// shutdown hook re-raises SIGTERM, which ends the process before `--cpu-prof` can write its profile;
// exiting normally on SIGTERM lets it write.
process.once('SIGTERM', () => process.exit(0));
