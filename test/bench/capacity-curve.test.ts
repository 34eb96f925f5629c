// The capacity curve: why a step did not keep up, the knee (interpolated in p99 between two steps, or a bound), which
// part was saturated, and the curve over rounds.
import { describe, expect, test } from 'bun:test';
import { countedAttempts, curveOver, kneeOf, saturationOf } from '../../bench/harness/capacity-curve.ts';
import { curvePoint as point } from '../helpers/bench-rows.ts';

const LIMIT = 100;

describe('a step keeps up', () => {
  test('with p99 at or under the limit, nothing lost, no error, every client receiving', () => {
    expect(point(1000, 100).failure).toBe('');
    expect(point(1000, 100.5).failure).toBe('p99 > 100 ms');
    expect(point(1000, Number.NaN).failure).toBe('p99 > 100 ms');
    expect(point(1000, 20, { lost: 1 }).failure).toBe('loss');
    expect(point(1000, 20, { errors: 3 }).failure).toBe('errors');
    expect(point(1000, 20, { failedConnects: 2 }).failure).toBe('failed connects');
    expect(point(1000, 20, { receiving: 99 }).failure).toBe('not every client received');
    expect(point(1000, 300, { lost: 2, errors: 1 }).failure).toBe('p99 > 100 ms, loss, errors');
  });
});

describe('the knee', () => {
  test('linear in p99 between the last step under the limit and the first over it', () => {
    // 20 ms at 400k, 180 ms at 500k: 100 ms is half-way → 450k.
    const knee = kneeOf([point(200_000, 10), point(400_000, 20), point(500_000, 180)], LIMIT);
    expect(knee).toEqual({ perS: 450_000, stepPerS: 400_000, bound: 'found' });
    // Far past the limit: close to the step under it, never beyond the step over it.
    const steep = kneeOf([point(400_000, 20), point(500_000, 8020)], LIMIT);
    expect(steep.perS).toBeCloseTo(401_000);
  });

  test('not interpolated when the step over failed for loss or errors', () => {
    expect(kneeOf([point(400_000, 20), point(500_000, 180, { errors: 5 })], LIMIT)).toEqual({
      perS: 400_000,
      stepPerS: 400_000,
      bound: 'found',
    });
    expect(kneeOf([point(400_000, 20), point(500_000, 50, { lost: 1 })], LIMIT).perS).toBe(400_000);
  });

  test('a lower bound when every step kept up; 0 when the first did not', () => {
    expect(kneeOf([point(1000, 5), point(2000, 6)], LIMIT)).toEqual({
      perS: 2000,
      stepPerS: 2000,
      bound: 'at-least',
    });
    expect(kneeOf([point(1000, 500)], LIMIT)).toEqual({ perS: 0, stepPerS: 0, bound: 'below' });
    expect(kneeOf([], LIMIT).bound).toBe('below');
  });
});

describe("a row's loss", () => {
  // One entry per attempt: two steps that kept up, then the step that ended the curve, run twice (p99 first, then loss).
  const attempts = ['200k', '400k', '500k once', '500k again'];
  const points = [point(200_000, 10), point(400_000, 20), point(500_000, 300, { lost: 7, attempts: 2 })];

  test("a reference server's step that ended its curve is left out: its overload is why the curve ended", () => {
    expect(countedAttempts(true, points, attempts)).toEqual(['200k', '400k']);
  });

  test("Lineage's are all counted, and so are a reference server's when its curve never ended", () => {
    expect(countedAttempts(false, points, attempts)).toEqual(attempts);
    const kept = [point(200_000, 10), point(400_000, 20)];
    expect(countedAttempts(true, kept, ['200k', '400k'])).toEqual(['200k', '400k']);
    expect(countedAttempts(true, [], [])).toEqual([]);
  });
});

describe('saturation', () => {
  test('the server main thread, each load process, or the machine at 0.9 of its cores, and other processes', () => {
    expect(saturationOf(point(1000, 5), 2)).toEqual([]);
    expect(saturationOf(point(1000, 5, { serverMainCores: 0.95 }), 2)).toEqual(['server main thread']);
    // 1.9 cores over two load processes: each at 0.95.
    expect(saturationOf(point(1000, 5, { loadCores: 1.9, serverCores: 0.1, machineCores: 2 }), 2)).toEqual([
      'load processes',
      'machine',
    ]);
    expect(saturationOf(point(1000, 5, { loadCores: 1.2, serverCores: 0.6, machineCores: 1.85 }), 2)).toEqual([
      'machine',
    ]);
    // Server 0.5 and load 0.6 of 1.85 busy cores: 0.75 taken by other processes.
    expect(saturationOf(point(1000, 5, { machineCores: 1.85 }), 2)).toEqual([
      'machine',
      'other processes (0.75 cores)',
    ]);
  });
});

describe('the curve over rounds', () => {
  test('steps lined up by interval, each figure its median, counts summed, every reason kept', () => {
    const curve = curveOver([
      { curve: [point(1000, 10), point(2000, 40), point(4000, 300)] },
      { curve: [point(1000, 30), point(2000, 200, { errors: 1, attempts: 2 })] },
      { curve: [point(1000, 20), point(2000, 60), point(4000, 90), point(8000, 400)] },
    ]);
    expect(curve.map((p) => p.offeredPerS)).toEqual([1000, 2000, 4000, 8000]);
    expect(curve.map((p) => p.age.p99)).toEqual([20, 60, 195, 400]);
    expect(curve.map((p) => `${p.passed}/${p.rounds}`)).toEqual(['3/3', '2/3', '1/2', '0/1']);
    expect(curve[1]?.failure).toBe('p99 > 100 ms, errors');
    expect(curve[1]?.errors).toBe(1);
    expect(curve[1]?.attempts).toBe(4);
  });
});
