// Test preload: make sure the real Prometheus, Chromium and Redis the suite drives are installed (apt-get when missing).
const missing = ['prometheus', 'promtool', 'chromium', 'redis-server'].filter((c) => Bun.which(c) === null);
if (missing.length > 0) {
  const r = Bun.spawnSync(['bash', `${import.meta.dir}/../scripts/ensure-system-deps.sh`], { stdout: 'inherit', stderr: 'inherit' });
  if (r.exitCode !== 0) console.error(`lineage tests: could not install ${missing.join(', ')}; the tests that need them will fail`);
}
