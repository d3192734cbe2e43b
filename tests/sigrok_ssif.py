#!/usr/bin/python3
"""The SSIF sigrok decoder (tools/sigrok/ssif) against the event log.

For each scenario: run it with --vcd and --log, decode the wire VCD with
sigrok-cli -P i2c,ssif, and compare
  - the decoded IPMI requests with the requests the BMC daemon read (daemon.read),
  - the decoded IPMI responses with the responses the host took (host.response
    without an error),
  - the decoder's bad-PEC warnings with the corrupt_pec faults applied,
  - its NAKed-address warnings with the bus transfers to the BMC (0x10, the decoder's
    default address, in every scenario here) NAKed at the address,
  - the transactions it ended with no STOP (at the next START, or at a repeated START
    SMBus has no place for) with the hosts that died in a transfer (fault master_died),
in order. Exit 0 if all agree, 1 if not (the difference printed).

usage: sigrok_ssif.py SSIFSIM DECODERS_DIR SOURCE_DIR OUT_DIR
"""
import json
import os
import re
import subprocess
import sys

SCENARIOS = [
    'quickstart',                     # single-part request and response, a NAKed read
    'host-generator',                 # multi-part writes and reads, 20 requests
    'fault-corrupt-pec-bmc-to-host',  # a bad PEC on a middle part and on a single part
    'fault-host-power-off',           # hosts dead in two writes and a read, no STOP after
    'fault-host-power-off-alert',     # a host dead before a read's Sr, then an ARA read
]


def from_log(log_path):
    requests, responses, bad_pecs, naks, dead = [], [], 0, 0, 0
    with open(log_path) as f:
        for line in f:
            e = json.loads(line)
            src, ev = e['src'], e['ev']
            if src == 'daemon' and ev == 'read' and 'request' in e:
                requests.append(e['request'])
            elif src == 'host' and ev == 'response' and e['error'] == '':
                responses.append(e['payload'])
            elif src == 'fault' and ev == 'corrupt_pec':
                bad_pecs += 1
            elif src == 'fault' and ev == 'master_died':
                dead += 1
            elif (src == 'bus' and ev == 'transfer' and e['status'] == 'address_nak' and
                  e['addr'] == '0x10'):
                naks += 1
    return requests, responses, bad_pecs, naks, dead


REQUEST = re.compile(r'^Request: netfn 0x([0-9a-f]{2}) \(.*\) lun (\d) cmd 0x([0-9a-f]{2}) '
                     r'data: (.*)$')
RESPONSE = re.compile(r'^Response: netfn 0x([0-9a-f]{2}) \(.*\) lun (\d) cmd 0x([0-9a-f]{2}) '
                      r'cc 0x([0-9a-f]{2}) data: (.*)$')


def payload(netfn, lun, head, data):
    """The message bytes as the log writes them: 'netfn<<2|lun cmd [cc] data...'."""
    first = '%02x' % ((int(netfn, 16) << 2) | int(lun))
    return ' '.join([first] + head + ([] if data == '-' else [data]))


def from_decoder(decoders, vcd):
    env = dict(os.environ, SIGROKDECODE_DIR=decoders)
    # compress: idle stretches over 1 us are shortened to 1 us, so the timer waits of a
    # long run are not expanded into samples (the decode depends only on edges).
    out = subprocess.run(['sigrok-cli', '-I', 'vcd:compress=1000', '-i', vcd,
                          '-P', 'i2c:scl=smbus_scl:sda=smbus_sda,ssif',
                          '-A', 'ssif=ipmi:warnings'],
                         env=env, check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    if out.stderr.strip():
        raise RuntimeError('sigrok-cli: ' + out.stderr)
    requests, responses, bad_pecs, naks, dead = [], [], 0, 0, 0
    for line in out.stdout.splitlines():
        text = line.split(': ', 1)[1] if line.startswith('ssif-1: ') else None
        if text is None:
            continue
        m = REQUEST.match(text)
        if m:
            requests.append(payload(m.group(1), m.group(2), [m.group(3)], m.group(4)))
            continue
        m = RESPONSE.match(text)
        if m:
            responses.append(payload(m.group(1), m.group(2), [m.group(3), m.group(4)],
                                     m.group(5)))
            continue
        if text.startswith('bad PEC'):
            bad_pecs += 1
        elif text.startswith('address ') and text.endswith('NAKed'):
            naks += 1
        elif text.startswith(('START without a STOP', 'repeated START after')):
            dead += 1
    return requests, responses, bad_pecs, naks, dead


def main():
    ssifsim, decoders, source, out_dir = sys.argv[1:5]
    os.makedirs(out_dir, exist_ok=True)
    failed = False
    for name in SCENARIOS:
        base = os.path.join(out_dir, name)
        subprocess.run([ssifsim, 'run', os.path.join(source, 'scenarios', name + '.json'),
                        '--quiet', '--vcd', base + '.vcd', '--log', base + '.jsonl'],
                       check=True, env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE='1'))
        want = from_log(base + '.jsonl')
        got = from_decoder(decoders, base + '.vcd')
        labels = ['IPMI requests', 'IPMI responses', 'bad PEC warnings', 'NAKed addresses',
                  'transactions ended with no STOP']
        for label, w, g in zip(labels, want, got):
            if w != g:
                failed = True
                print('%s: %s differ\n  event log: %s\n  decoder:   %s' % (name, label, w, g))
        if not want[0] or not want[1]:
            failed = True
            print('%s: nothing to compare (the log has no requests or responses)' % name)
        print('%s: %d request(s), %d response(s), %d bad PEC, %d NAKed address, %d with no '
              'STOP: %s' % (name, len(got[0]), len(got[1]), got[2], got[3], got[4],
                 'differ' if failed else 'agree'))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
