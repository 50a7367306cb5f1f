// The few jstat functions the planner uses (jstat ships no types).
declare module 'jstat' {
  interface Distribution2 {
    inv(p: number, a: number): number;
    cdf(x: number, a: number): number;
    pdf(x: number, a: number): number;
  }
  interface Distribution3 {
    inv(p: number, a: number, b: number): number;
    cdf(x: number, a: number, b: number): number;
    pdf(x: number, a: number, b: number): number;
  }
  const jstat: {
    studentt: Distribution2;
    gamma: Distribution3;
    binomial: { pdf(k: number, n: number, p: number): number };
  };
  export default jstat;
}
