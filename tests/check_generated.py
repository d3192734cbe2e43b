#!/usr/bin/python3
"""Holds `ssifsim check` to the simulator's own wires over generated fault scenarios.

Usage: check_generated.py [--alerts | --daemons] SSIFSIM OUT_DIR FIRST_SEED COUNT

For each seed from FIRST_SEED, builds a scenario at random (random.Random(seed): the same
seed gives the same scenario on every machine), runs it with `--vcd` and `--report`, and
checks the VCD with the options the run's report resolved (the BMC's controller, variant,
HZ, address and response timeout; the host's variant and HZ). The scenarios hold the faults
check is meant to see through: hosts that die mid-transfer in reads and writes (and come
back), daemons that are slow or never answer, bad PECs the host sends, on every controller
and ssif_bmc variant, at other HZ, bus clocks and addresses; not those acting for the BMC
(its NAKs, bad PECs on its bytes, lost STOPs, foreign masters), which README lists among
what check cannot tell. With --alerts, the family that adds SMBALERT# (bmc.smbus_alert) and
the host's probe (host.probe), each to half the scenarios, more 10 to 12 kHz buses and HZ 100:
the alert's ARA reads between the host's transfers, got_alert's reads at once and the
probe's own requests. With --daemons, the default family's scenarios (the same for a seed)
with daemons that write malformed responses (daemon_malformed: a length field or write()
count ssif_bmc_write refuses or cuts, or, before 2024-write-len, overruns with) or whose
read() buffer faults (daemon_efault: a garbled request taken, or -EFAULT), in a fifth of the
requests each: the wires show a BMC that stays busy, or a response that answers no request.
The BMC there ran the very driver check replays, and the host the
very ipmi_ssif whose timers it holds it to, so:

- bmc_conformance and host_timing pass and are judged (a failure is a false finding);
- ssif_framing passes wherever the run's own ssif_framing passed;
- check refuses the capture (exit 2, nothing to check) only where no request's write
  went whole (every host died in its writes).

Prints one line per scenario that breaks a rule (its file, kept in OUT_DIR, and the check's
detail) and exits 1 if any did; else prints how many were held and exits 0.
"""
import json
import os
import random
import subprocess
import sys

CONTROLLERS = ['address-nak', 'aspeed', 'npcm', 'npcm-2024-slave-disable',
               'npcm-2025-timeout-enable']
BMC_VARIANTS = ['mainline', '6.12', 'v8-2022', '2024-write-len', '2025-request-loss',
                '2026-desync', '2026-efault']
HOST_VARIANTS = ['mainline', '6.12', '6.1', '2024-msleep']


def scenario(seed, family=''):
    r = random.Random(seed)
    requests, faults = [], []
    multi_part = r.random() < 0.4
    t = 0
    for i in range(1, r.randint(2, 7) + 1):
        if multi_part and r.random() < 0.5:
            q = {'at_ms': t, 'netfn': '0x30', 'cmd': '0x01'}
            if r.random() < 0.3:  # a multi-part request too
                q['data'] = [r.randint(0, 255) for _ in range(r.randint(30, 80))]
        else:
            q = {'at_ms': t, 'netfn': '0x06', 'cmd': r.choice(['0x01', '0x04', '0x31'])}
        requests.append(q)
        if r.random() < 0.45:
            death = {'type': 'host_power_off', 'request': i, 'op': r.choice(['read', 'write']),
                     'after_bytes': r.randint(0, 20),
                     'off_ms': r.choice([1, 2, 5, 20, 50, 100, 300, 600, r.randint(1, 600)])}
            if r.random() < 0.3:
                death['nth'] = r.randint(1, 4)
            faults.append(death)
        x = r.random()
        if x < 0.12:
            faults.append({'type': 'daemon_silent', 'request': i})
        elif x < 0.3:
            faults.append({'type': 'daemon_slow', 'request': i,
                           'latency_ms': r.choice([3, 30, 70, 300, 505, 520, 900, 1200])})
        if r.random() < 0.1:
            faults.append({'type': 'corrupt_pec', 'request': i, 'direction': 'host_to_bmc'})
        t += r.choice([0, 0, 10, 50, 200, 600, 700, 1200])
    bmc = {'controller': r.choice(CONTROLLERS), 'variant': r.choice(BMC_VARIANTS),
           'hz': r.choice([100, 100, 250, 1000]),
           'daemon': {'latency_ms': r.choice([0, 1, 20])},
           'responder': {'test_command': {'netfn': '0x30', 'cmd': '0x01',
                                          'length': r.randint(40, 200)}}}
    if r.random() < 0.2:
        bmc['response_timeout_ms'] = r.choice([100, 300, 1000])
    if r.random() < 0.15:
        bmc['address'] = r.choice(['0x20', '0x44', '0x08', '0x77'])
    if family != '--alerts':
        base = {'version': 1, 'description': 'check_generated.py seed %d' % seed,
                'bus': {'freq_hz': r.choice([10000, 50000, 100000, 400000, 1000000,
                                             r.randint(10000, 1000000)])},
                'host': {'hz': r.choice([1000, 1000, 250, 100, 300]),
                         'variant': r.choice(HOST_VARIANTS)},
                'bmc': bmc, 'workload': {'requests': requests}, 'faults': faults}
        if family == '--daemons':  # drawn after all of the default family's draws
            base['description'] = 'check_generated.py --daemons seed %d' % seed
            for i in range(1, len(requests) + 1):
                x = r.random()
                if x < 0.2:
                    malformed = {'type': 'daemon_malformed', 'request': i}
                    if r.random() < 0.7:
                        malformed['len'] = r.choice([0, 1, 2, 3, 255, 300, 4294967295])
                    else:
                        malformed['write_bytes'] = r.choice([0, 3, 4, 5, 261])
                    faults.append(malformed)
                elif x < 0.4:
                    faults.append({'type': 'daemon_efault', 'request': i,
                                   'copied': r.choice([0, 1, 3, 4, 5, 6, 259])})
        return base
    if r.random() < 0.5:
        bmc['smbus_alert'] = True
    host = {'hz': r.choice([1000, 1000, 250, 100, 100, 300]), 'variant': r.choice(HOST_VARIANTS)}
    if r.random() < 0.5:
        host['probe'] = True
    return {'version': 1, 'description': 'check_generated.py --alerts seed %d' % seed,
            'bus': {'freq_hz': r.choice([10000, 10000, r.randint(10000, 12000),
                                         r.randint(10000, 12000), 50000, 100000, 400000,
                                         1000000, r.randint(10000, 1000000)])},
            'host': host, 'bmc': bmc, 'workload': {'requests': requests}, 'faults': faults}


def check_options(config):
    bmc, host = config['bmc'], config['host']
    return ['--bmc-controller', bmc['controller'], '--bmc-variant', bmc['variant'],
            '--bmc-hz', str(bmc['hz']), '--bmc-address', '0x%02x' % bmc['address'],
            '--bmc-response-timeout-ms', str(bmc['response_timeout_ms']),
            '--host-variant', host['variant'], '--host-hz', str(host['hz'])]


def problems(ssifsim, out, seed, family):
    base = os.path.join(out, 'seed-%d' % seed)
    with open(base + '.json', 'w') as f:
        json.dump(scenario(seed, family), f, indent=1)
    run = subprocess.run([ssifsim, 'run', base + '.json', '--quiet', '--vcd', base + '.vcd',
                          '--report', base + '.run.json'], capture_output=True, text=True)
    if run.returncode not in (0, 1):
        return ['run exit %d: %s' % (run.returncode, run.stderr.strip())]
    with open(base + '.run.json') as f:
        ran = json.load(f)
    check = subprocess.run([ssifsim, 'check', base + '.vcd', '--quiet', '--report',
                            base + '.check.json'] + check_options(ran['config']),
                           capture_output=True, text=True)
    if check.returncode == 2 and 'nothing to check' in check.stderr and not any(
            step['what'] == 'write' and step['status'] == 'ok'
            for q in ran['requests'] for step in q.get('timeline', [])):
        return []  # no request's write went whole on the wires: rightly nothing to judge
    if check.returncode not in (0, 1):
        return ['check exit %d: %s' % (check.returncode, check.stderr.strip())]
    with open(base + '.check.json') as f:
        checked = {c['name']: c for c in json.load(f)['checks']}
    run_passed = {c['name']: c['pass'] for c in ran['checks']}
    found = []
    for name in ('bmc_conformance', 'host_timing'):
        c = checked[name]
        if not c['pass'] or not c.get('judged', True):
            found.append('%s: %s' % (name, c['detail']))
    framing = checked['ssif_framing']
    if not framing['pass'] and run_passed.get('ssif_framing', True):
        found.append('ssif_framing (the run passed it): %s' % framing['detail'])
    return found


def main():
    args = sys.argv[1:]
    family = args[0] if args and args[0] in ('--alerts', '--daemons') else ''
    if family:
        args = args[1:]
    if len(args) != 4:
        sys.exit(__doc__)
    ssifsim, out, first, count = args[0], args[1], int(args[2]), int(args[3])
    os.makedirs(out, exist_ok=True)
    broken = 0
    for seed in range(first, first + count):
        found = problems(ssifsim, out, seed, family)
        for p in found:
            print('%s: %s' % (os.path.join(out, 'seed-%d.json' % seed), p))
        broken += bool(found)
        if not found:  # keep only what fails, for reproduction
            # Everything a run with --vcd writes: the VCDs, GTKWave's save files and
            # translate files, and the reports.
            for ext in ('.json', '.vcd', '.tl.vcd', '.run.json', '.check.json', '.gtkw',
                        '.wires.gtkw', '.tl.bmc_state.txt', '.tl.host_phase.txt',
                        '.tl.host_state.txt'):
                path = os.path.join(out, 'seed-%d%s' % (seed, ext))
                if os.path.exists(path):
                    os.remove(path)
    if broken:
        print('%d of %d generated scenarios broke a rule' % (broken, count))
        sys.exit(1)
    print('%d generated scenarios held' % count)


if __name__ == '__main__':
    main()
