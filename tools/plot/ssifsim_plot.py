#!/usr/bin/python3
"""Plots of an ssifsim run's report, or of a sweep's failing seeds, with Debian's matplotlib.

  ssifsim_plot.py REPORT.json [--log LOG.jsonl] [--out DIR] [--format svg|png] [--request ID]
      NAME.response.FMT   request to response: histogram and CDF, with the T6max line
      NAME.over-time.FMT  request to response against the simulated time the request started
      NAME.timeline.FMT   one request's time line (--request, default the slowest listed):
                          writes, timer waits, NAKed and failed reads, the read that got it;
                          with the run's --log, also the daemon's latency (its read of the
                          request to its write of the response) and the BMC's response timer
  ssifsim_plot.py --sweep DIR [--out DIR] [--format svg|png]
      sweep.faults.FMT    which fault kinds the failing seeds' scenarios held, how often

The report lists the first 1,000 requests (summary.listed); the plots show those, and the
titles say how many of how many. Same report, same files (no dates in them).
"""
import argparse
import collections
import glob
import json
import os
import sys

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams['svg.hashsalt'] = 'ssifsim'  # stable ids in SVG output
SAVE_METADATA = {'svg': {'Date': None}, 'png': {}}

COLOURS = {'write': '#4c72b0', 'read': '#55a868', 'wait': '#dddddd', 'failed': '#c44e52',
           'nak': '#dd8452', 'daemon': '#8172b3'}


def fail(message):
    sys.stderr.write('ssifsim_plot: %s\n' % message)
    sys.exit(2)


def load_report(path):
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        fail('%s: %s' % (path, e))
    if not isinstance(report, dict) or report.get('ssifsim_report') != 1:
        fail('%s: not an ssifsim report (no "ssifsim_report": 1)' % path)
    return report


def save(fig, out_dir, name, fmt):
    path = os.path.join(out_dir, name + '.' + fmt)
    fig.savefig(path, format=fmt, metadata=SAVE_METADATA[fmt], dpi=80)
    plt.close(fig)
    print(path)


def t6_limit_ms(report):
    for c in report.get('checks', []):
        if c.get('name') == 'T6max' and 'limit_ns' in c:
            return c['limit_ns'] / 1e6
    return None


def listed_title(report, what):
    s = report['summary']
    return '%s: %s (%d of %d requests)' % (os.path.basename(report['scenario']), what,
                                          s['listed'], s['submitted'])


def plot_response(report, out_dir, name, fmt):
    times = sorted(r['response_ns'] / 1e6 for r in report['requests'])
    limit = t6_limit_ms(report)
    fig, hist = plt.subplots(figsize=(8, 4))
    hist.hist(times, bins=min(50, max(5, len(times) // 4)), color=COLOURS['write'])
    hist.set_xlabel('request to response (ms)')
    hist.set_ylabel('requests')
    cdf = hist.twinx()
    cdf.plot(times, [(i + 1) / len(times) for i in range(len(times))], color='black',
             drawstyle='steps-post', label='CDF')
    cdf.set_ylim(0, 1.02)
    cdf.set_ylabel('fraction answered')
    if limit is not None:
        hist.axvline(limit, color=COLOURS['failed'], linestyle='--',
                     label='T6max %g ms' % limit)
        hist.legend(loc='center right')
    hist.set_title(listed_title(report, 'request to response'), fontsize=10)
    fig.tight_layout()
    save(fig, out_dir, name + '.response', fmt)


def plot_over_time(report, out_dir, name, fmt):
    reqs = report['requests']
    fig, ax = plt.subplots(figsize=(8, 4))
    ok = [r for r in reqs if not r['error']]
    bad = [r for r in reqs if r['error']]
    ax.scatter([r['started_ns'] / 1e9 for r in ok], [r['response_ns'] / 1e6 for r in ok],
               s=8, color=COLOURS['write'], label='answered')
    if bad:
        ax.scatter([r['started_ns'] / 1e9 for r in bad], [r['response_ns'] / 1e6 for r in bad],
                   s=12, color=COLOURS['failed'], marker='x', label='failed')
    limit = t6_limit_ms(report)
    if limit is not None:
        ax.axhline(limit, color=COLOURS['failed'], linestyle='--', label='T6max %g ms' % limit)
    ax.set_xlabel('simulated time the request started (s)')
    ax.set_ylabel('request to response (ms)')
    ax.legend(loc='upper right')
    ax.set_title(listed_title(report, 'response time over the run'), fontsize=10)
    fig.tight_layout()
    save(fig, out_dir, name + '.over-time', fmt)


def segment_colour(seg):
    if seg['what'] == 'wait':
        return COLOURS['wait']
    status = seg.get('status', 'ok')
    if status == 'ok':
        return COLOURS[seg['what']]
    return COLOURS['nak'] if status == 'address_nak' else COLOURS['failed']


def daemon_spans(log_path, start_ns, end_ns):
    """From the event log: the daemon's (read, write or failed write) pairs and the BMC's
    response timer firing, within [start_ns, end_ns]."""
    spans, fired, read_ns = [], [], None
    try:
        with open(log_path) as f:
            for line in f:
                if '"daemon"' not in line and '"timer_fired"' not in line:
                    continue
                e = json.loads(line)
                t = e['t_ns']
                if t < start_ns or t > end_ns:
                    continue
                if e['src'] == 'daemon' and e['ev'] == 'read':
                    read_ns = t
                elif e['src'] == 'daemon' and e['ev'] in ('write', 'write_failed') and read_ns is not None:
                    spans.append((read_ns, t, e['ev'] == 'write'))
                    read_ns = None
                elif e['src'] == 'bmc' and e['ev'] == 'timer_fired':
                    fired.append(t)
    except (OSError, ValueError, KeyError) as e:
        fail('%s: %s' % (log_path, e))
    if read_ns is not None:
        spans.append((read_ns, end_ns, False))  # never answered within the request
    return spans, fired


def plot_timeline(report, out_dir, name, fmt, request_id, log_path=None):
    reqs = report['requests']
    if request_id is None:
        req = max(reqs, key=lambda r: r['response_ns'])
    else:
        matches = [r for r in reqs if r['id'] == request_id]
        if not matches:
            fail('--request %d: not among the report\'s listed requests' % request_id)
        req = matches[0]
    segs = req['timeline']
    fig, ax = plt.subplots(figsize=(8, 3))
    t0 = req['started_ns']
    rows = {'write': 3, 'wait': 2, 'read': 1}
    if log_path:
        spans, fired = daemon_spans(log_path, req['started_ns'], req['completed_ns'])
        for begin, end, ok in spans:
            ax.broken_barh([((begin - t0) / 1e6, max((end - begin) / 1e6, 1e-3))], (-0.4, 0.8),
                           facecolors=COLOURS['daemon'] if ok else COLOURS['failed'],
                           edgecolor='black', linewidth=0.3)
        for t in fired:
            ax.axvline((t - t0) / 1e6, color=COLOURS['failed'], linestyle=':')
    for seg in segs:
        start = (seg['start_ns'] - t0) / 1e6
        width = max((seg['end_ns'] - seg['start_ns']) / 1e6, 1e-3)
        ax.broken_barh([(start, width)], (rows.get(seg['what'], 1) - 0.4, 0.8),
                       facecolors=segment_colour(seg), edgecolor='black', linewidth=0.3)
    ax.set_yticks([0, 1, 2, 3])
    ax.set_yticklabels(['daemon' if log_path else '', 'reads', 'timer waits', 'writes'])
    ax.set_xlabel('ms since the driver started the request')
    handles = [plt.Rectangle((0, 0), 1, 1, color=COLOURS[k]) for k in
               ('write', 'read', 'nak', 'failed', 'wait', 'daemon')]
    ax.legend(handles, ['write ok', 'read ok', 'read NAKed', 'failed', 'timer wait',
                        'daemon latency'],
              loc='upper center', bbox_to_anchor=(0.5, -0.4), ncol=6, fontsize=8)
    outcome = req['error'] or 'cc ' + req['completion_code']
    request = req['request'] if len(req['request']) <= 24 else req['request'][:24] + ' ...'
    ax.set_title('%s: request %d (%s) %.3f ms, %s' % (
        os.path.basename(report['scenario']), req['id'], request,
        req['response_ns'] / 1e6, outcome), fontsize=10)
    fig.tight_layout()
    save(fig, out_dir, name + '.timeline', fmt)


def plot_sweep(sweep_dir, out_dir, fmt):
    # The failing seeds' scenarios as the sweep drew them: not their shrunk forms
    # (*.min.json) nor the campaign's summaries (summary*.json).
    files = sorted(p for p in glob.glob(os.path.join(sweep_dir, '*.json'))
                   if not p.endswith('.min.json')
                   and not os.path.basename(p).startswith('summary'))
    counts = collections.Counter()
    for path in files:
        try:
            with open(path) as f:
                scenario = json.load(f)
        except (OSError, ValueError) as e:
            fail('%s: %s' % (path, e))
        for fault in scenario.get('faults', []):
            counts[fault.get('type', '?')] += 1
    fig, ax = plt.subplots(figsize=(8, 4))
    kinds = sorted(counts, key=lambda k: (-counts[k], k))
    ax.barh(kinds, [counts[k] for k in kinds], color=COLOURS['failed'])
    ax.invert_yaxis()
    ax.set_xlabel('failing seeds whose scenario held the fault')
    ax.set_title('%s: %d failing seed(s)' % (sweep_dir, len(files)), fontsize=10)
    if not files:
        ax.text(0.5, 0.5, 'no failing seeds', ha='center', transform=ax.transAxes)
    fig.tight_layout()
    save(fig, out_dir, 'sweep.faults', fmt)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('report', nargs='?', help='a report written by ssifsim run --report')
    p.add_argument('--sweep', metavar='DIR', help='a sweep\'s --out directory')
    p.add_argument('--out', metavar='DIR', help='where to write (default: beside the input)')
    p.add_argument('--format', choices=('svg', 'png'), default='svg')
    p.add_argument('--request', type=int, metavar='ID', help='the request of the time line')
    p.add_argument('--log', metavar='LOG', help='the run\'s event log: adds the daemon\'s '
                   'latency and the BMC\'s timer to the time line')
    a = p.parse_args()
    if bool(a.report) == bool(a.sweep):
        fail('give a REPORT or --sweep DIR (see --help)')
    if a.sweep:
        if not os.path.isdir(a.sweep):
            fail('%s: not a directory (a sweep whose seeds all pass leaves none)' % a.sweep)
        out = a.out or a.sweep
        os.makedirs(out, exist_ok=True)
        plot_sweep(a.sweep, out, a.format)
        return 0
    report = load_report(a.report)
    if not report['requests']:
        fail('%s: the report lists no requests' % a.report)
    out = a.out or os.path.dirname(a.report) or '.'
    os.makedirs(out, exist_ok=True)
    name = os.path.basename(a.report)
    for suffix in ('.report.json', '.json'):
        if name.endswith(suffix):
            name = name[:-len(suffix)]
            break
    plot_response(report, out, name, a.format)
    plot_over_time(report, out, name, a.format)
    plot_timeline(report, out, name, a.format, a.request, a.log)
    return 0


if __name__ == '__main__':
    sys.exit(main())
