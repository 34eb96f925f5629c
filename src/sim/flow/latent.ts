// Latent (fundamental) value per symbol: one market factor plus per-symbol components with loadings (betas),
// multifractal long-memory volatility, a slow trend, and mean reversion of the log value around a drifting anchor,
// with the drift compensated so the configured drift is the expected growth of the value.

import { Rng, type RngState } from '../rng.ts';
import { type MsmSpec, msmInit, msmRates, msmStep, msmVariance } from './msm.ts';

export interface LatentConfig {
  /** Simulated years per market step (one hour). */
  stepYears: number;
  /** Sub-steps per market step; the value moves on the K - 1 flow micro-steps between two market steps. */
  subSteps: number;
  /** Expected annual growth of every value (log-anchor slope; the stationary mean-reversion keeps E[V] on it). */
  drift: number;
  /** Stress multiplier on every volatility (tests). */
  volScale: number;
  marketVol: MsmSpec;
  idioVol: MsmSpec;
  /** Share of hourly return variance that is predictable drift (a slow AR(1) trend); gives trend strategies an edge. */
  trendShare: number;
  /** Persistence (e-folding time) of the trend, in market steps. */
  trendSteps: number;
  /** Stationary standard deviation of log(value / anchor). */
  valueSd: number;
  /** Hard bound: value stays within [start / bound, start * bound] whatever the stress settings. */
  bound: number;
}

export interface LatentSymbol {
  startPrice: number;
  annualVol: number;
  /** Correlation of the symbol's shocks with the market factor. */
  beta: number;
}

export interface LatentState {
  x: number[];
  trendMarket: number;
  trendIdio: number[];
  volMarket: number[];
  volIdio: number[][];
  /** Flow micro-steps taken (time of the anchor). */
  micros: number;
  rng: RngState;
}

export class LatentModel {
  private readonly n: number;
  private readonly logStart: Float64Array;
  private readonly sigma: Float64Array;
  private readonly beta: Float64Array;
  private readonly kappa: Float64Array;
  private readonly theta: Float64Array;
  private readonly trendSd: Float64Array;
  private readonly x: Float64Array;
  private readonly trendIdio: Float64Array;
  private trendMarket: number;
  private readonly volMarket: number[];
  private readonly volIdio: number[][];
  private readonly marketRates: number[];
  private readonly idioRates: number[];
  /** Variance multiplier per symbol for the current hour: beta^2 Sm and (1 - beta^2) Si parts. */
  private readonly varM: Float64Array;
  private readonly varI: Float64Array;
  private readonly dt: number;
  private readonly logBound: number;
  private readonly phi: number;
  private micros: number;
  private readonly rng: Rng;

  constructor(
    private readonly cfg: LatentConfig,
    syms: readonly LatentSymbol[],
    seedOrState: number | LatentState,
  ) {
    const n = syms.length;
    this.n = n;
    this.logStart = Float64Array.from(syms, (s) => Math.log(s.startPrice));
    this.sigma = Float64Array.from(syms, (s) => s.annualVol * cfg.volScale);
    this.beta = Float64Array.from(syms, (s) => Math.max(0, Math.min(1, s.beta)));
    this.dt = cfg.stepYears / Math.max(1, cfg.subSteps - 1);
    const q = cfg.trendShare;
    const tau = cfg.trendSteps;
    // Diffusion of log(value/anchor) per year including the trend's integrated variance (~2 q tau per unit sigma^2).
    this.kappa = Float64Array.from(syms, (s) => (s.annualVol ** 2 * (1 + 2 * q * tau)) / (2 * cfg.valueSd ** 2));
    // Level of the pull chosen so that E[exp(x)] = 1 in the stationary law (the convexity terms cancel).
    this.theta = Float64Array.from(syms, (s, i) => (s.annualVol ** 2 * (1 - 2 * q * tau)) / (4 * (this.kappa[i] ?? 1)));
    this.trendSd = Float64Array.from(syms, (s) => s.annualVol * cfg.volScale * Math.sqrt(q / cfg.stepYears));
    this.phi = Math.exp(-1 / Math.max(1, tau));
    this.logBound = Math.log(cfg.bound);
    this.marketRates = msmRates(cfg.marketVol);
    this.idioRates = msmRates(cfg.idioVol);
    this.varM = new Float64Array(n);
    this.varI = new Float64Array(n);
    if (typeof seedOrState === 'number') {
      const rng = new Rng(seedOrState);
      this.rng = rng;
      this.x = new Float64Array(n);
      this.trendMarket = rng.normal();
      this.trendIdio = Float64Array.from(syms, () => rng.normal());
      this.volMarket = msmInit(cfg.marketVol, rng);
      this.volIdio = syms.map(() => msmInit(cfg.idioVol, rng));
      this.micros = 0;
    } else {
      const s = seedOrState;
      if (s.x.length !== n || s.volIdio.length !== n) throw new RangeError('latent state does not match the symbols');
      this.rng = Rng.fromState(s.rng);
      this.x = Float64Array.from(s.x);
      this.trendMarket = s.trendMarket;
      this.trendIdio = Float64Array.from(s.trendIdio);
      this.volMarket = s.volMarket.slice();
      this.volIdio = s.volIdio.map((v) => v.slice());
      this.micros = s.micros;
    }
    this.refreshVariance();
  }

  get count(): number {
    return this.n;
  }

  logValue(i: number): number {
    return (this.logStart[i] ?? 0) + this.cfg.drift * this.micros * this.dt + (this.x[i] ?? 0);
  }

  value(i: number): number {
    return Math.exp(this.logValue(i));
  }

  /** Standard deviation of one micro-step's log change for symbol i at the current volatility state. */
  sigmaMicro(i: number): number {
    return (this.sigma[i] ?? 0) * Math.sqrt(((this.varM[i] ?? 0) + (this.varI[i] ?? 0)) * this.dt);
  }

  /** Market-step update: volatility components and trends move once per simulated hour. */
  hour(): void {
    const rng = this.rng;
    msmStep(this.volMarket, this.marketRates, rng);
    for (const v of this.volIdio) msmStep(v, this.idioRates, rng);
    const phi = this.phi;
    const innov = Math.sqrt(1 - phi * phi);
    this.trendMarket = phi * this.trendMarket + innov * rng.normal();
    for (let i = 0; i < this.n; i++) this.trendIdio[i] = phi * (this.trendIdio[i] ?? 0) + innov * rng.normal();
    this.refreshVariance();
  }

  /** One flow micro-step of every value. */
  micro(): void {
    const rng = this.rng;
    const dt = this.dt;
    const sqrtDt = Math.sqrt(dt);
    const em = rng.normal();
    this.micros++;
    const anchor = this.cfg.drift * this.micros * dt;
    for (let i = 0; i < this.n; i++) {
      const b = this.beta[i] ?? 0;
      const c = Math.sqrt(1 - b * b);
      const sig = this.sigma[i] ?? 0;
      const vm = this.varM[i] ?? 0;
      const vi = this.varI[i] ?? 0;
      const mu = (this.trendSd[i] ?? 0) * (b * this.trendMarket + c * (this.trendIdio[i] ?? 0));
      const x = this.x[i] ?? 0;
      const shock = sig * sqrtDt * (Math.sqrt(vm) * em + Math.sqrt(vi) * rng.normal());
      let nx =
        x + (this.kappa[i] ?? 0) * ((this.theta[i] ?? 0) - x) * dt - 0.5 * sig * sig * (vm + vi) * dt + mu * dt + shock;
      if (!Number.isFinite(nx)) nx = x;
      // Keep log(value/start) within +-log(bound), reflecting so a stressed value keeps moving (binds only under stress).
      const lb = this.logBound;
      let rel = anchor + nx;
      if (rel > lb) rel = Math.max(-lb, 2 * lb - rel);
      else if (rel < -lb) rel = Math.min(lb, -2 * lb - rel);
      nx = rel - anchor;
      this.x[i] = nx;
    }
  }

  state(): LatentState {
    return {
      x: Array.from(this.x),
      trendMarket: this.trendMarket,
      trendIdio: Array.from(this.trendIdio),
      volMarket: this.volMarket.slice(),
      volIdio: this.volIdio.map((v) => v.slice()),
      micros: this.micros,
      rng: this.rng.state(),
    };
  }

  private refreshVariance(): void {
    const sm = msmVariance(this.volMarket, this.cfg.marketVol.m0);
    for (let i = 0; i < this.n; i++) {
      const b = this.beta[i] ?? 0;
      this.varM[i] = b * b * sm;
      this.varI[i] = (1 - b * b) * msmVariance(this.volIdio[i] ?? [], this.cfg.idioVol.m0);
    }
  }
}
