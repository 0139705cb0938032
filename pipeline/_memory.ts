/**
 * Peak memory per stage. Linux keeps a process's peak resident size (VmHWM) and lets the process
 * reset it by writing "5" to /proc/self/clear_refs, so each stage's own peak can be measured.
 * Elsewhere (or without permission) the figures are simply absent.
 *
 * @module
 */

/** Resets the peak-RSS counter; false when the system does not allow it. */
export function resetPeakRss(): boolean {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** Peak resident memory since the last reset (or process start), in MiB; undefined if unknown. */
export function peakRssMb(): number | undefined {
  try {
    const m = Deno.readTextFileSync("/proc/self/status").match(/VmHWM:\s+(\d+)\s+kB/);
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
