"""Peak memory of a baseline process, shared by the Python benchmark scripts."""


def peak_rss_mb():
    """VmHWM of this process. Not ru_maxrss: Linux carries that over exec from the parent, so a
    child of a large Deno process would report the parent's peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")
