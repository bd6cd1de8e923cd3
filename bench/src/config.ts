// The benchmark's settings, read from the environment once (./dev bench sets the connection ones).
export function benchSetting(name: string, fallback?: string): string {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
}
