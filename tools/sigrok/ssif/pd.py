##
## SSIF (IPMI's SMBus System Interface) protocol decoder for libsigrokdecode.
## Part of ssifsim. Licensed GPL-2.0-or-later, as libsigrokdecode's own decoders.
##

import sigrokdecode as srd

# SMBus command codes of SSIF (IPMI v2.0 table 12-3; models/ssif/framing.h).
WRITE_SINGLE = 0x02
READ_START = 0x03
WRITE_START = 0x06
WRITE_MIDDLE = 0x07
WRITE_END = 0x08
READ_MIDDLE = 0x09
READ_RETRY = 0x0a
PART_MAX = 32
READ_END_BLOCK = 0xff

COMMAND_NAMES = {
    WRITE_SINGLE: 'single-part write',
    READ_START: 'read start',
    WRITE_START: 'multi-part write start',
    WRITE_MIDDLE: 'multi-part write middle',
    WRITE_END: 'multi-part write end',
    READ_MIDDLE: 'read middle/end',
    READ_RETRY: 'read retry',
}

NETFN_NAMES = {
    0x00: 'Chassis', 0x02: 'Bridge', 0x04: 'S/E', 0x06: 'App',
    0x08: 'Firmware', 0x0a: 'Storage', 0x0c: 'Transport',
}

# Annotation classes.
A_SMBUS, A_PEC_GOOD, A_PEC_BAD, A_PART, A_REQUEST, A_RESPONSE, A_WARNING = range(7)


def pec8(data):
    '''SMBus PEC: CRC-8, polynomial x^8 + x^2 + x + 1, initial 0.'''
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xff if crc & 0x80 else (crc << 1) & 0xff
    return crc


def hexs(data):
    return ' '.join('%02x' % b for b in data)


class Byte:
    '''One byte of a transaction, as the i2c decoder reported it.'''
    def __init__(self, ss, es, kind, value):
        self.ss, self.es, self.kind, self.value = ss, es, kind, value
        self.ack = None  # True, False (NAK) or None (not seen)


class Decoder(srd.Decoder):
    api_version = 3
    id = 'ssif'
    name = 'SSIF'
    longname = 'IPMI SMBus System Interface'
    desc = 'IPMI SSIF: SMBus block transfers, SSIF parts and IPMI messages.'
    license = 'gplv2+'
    inputs = ['i2c']
    outputs = []
    tags = ['PC']
    options = (
        {'id': 'address', 'desc': 'BMC 7-bit address (the wire byte 0x20 is 0x10)',
            'default': 0x10},
    )
    annotations = (
        ('smbus', 'SMBus transaction'),
        ('pec-good', 'PEC good'),
        ('pec-bad', 'PEC bad'),
        ('part', 'SSIF part'),
        ('request', 'IPMI request'),
        ('response', 'IPMI response'),
        ('warning', 'Warning'),
    )
    annotation_rows = (
        ('smbus', 'SMBus', (A_SMBUS, A_PEC_GOOD, A_PEC_BAD)),
        ('parts', 'SSIF parts', (A_PART,)),
        ('ipmi', 'IPMI messages', (A_REQUEST, A_RESPONSE)),
        ('warnings', 'Warnings', (A_WARNING,)),
    )

    def __init__(self):
        self.reset()

    def reset(self):
        self.bytes = None      # the transaction being collected, or None between them
        self.ss_start = None
        self.restart = None    # (index, ss) of the repeated START in it, if any
        self.request = None    # [ss, bytes] of a multi-part request being reassembled
        self.response = None   # [ss, bytes, next block number] of a multi-part response

    def start(self):
        self.out_ann = self.register(srd.OUTPUT_ANN)

    def put_ann(self, ss, es, cls, texts):
        self.put(ss, es, self.out_ann, [cls, texts])

    def warn(self, ss, es, text):
        self.put_ann(ss, es, A_WARNING, [text, 'W'])

    # ---- the i2c decoder's packets, gathered into transactions (START ... STOP) ----

    def decode(self, ss, es, data):
        ptype, pdata = data
        if ptype == 'START':
            if self.bytes is not None:
                self.warn(ss, es, 'START without a STOP before it')
                self.transaction(self.bytes, self.ss_start, ss, False)
            self.bytes, self.ss_start, self.restart = [], ss, None
        elif self.bytes is None:
            return  # the capture began inside a transaction
        elif ptype == 'START REPEAT':
            # SMBus has one repeated START, after a write's address and command, before the
            # read address (SMBus 2.0 section 5.5). One anywhere else (or before a write
            # address, below) begins a new transaction: this one ended with no STOP.
            if len(self.bytes) == 2 and self.bytes[0].kind == 'AW' and self.restart is None:
                self.restart = (2, ss)
            else:
                self.cut(ss)
        elif ptype in ('ADDRESS WRITE', 'ADDRESS READ', 'DATA WRITE', 'DATA READ'):
            kind = {'ADDRESS WRITE': 'AW', 'ADDRESS READ': 'AR',
                    'DATA WRITE': 'DW', 'DATA READ': 'DR'}[ptype]
            value = pdata
            if kind[0] == 'A':  # the i2c decoder gives 7 bits: make it the wire byte
                value = (pdata << 1) | (1 if kind == 'AR' else 0)
            # A write address after the repeated START, or another target's: a new
            # transaction (the read goes to the target just written to).
            if (kind[0] == 'A' and self.restart and self.restart[0] == len(self.bytes) and
                    (kind == 'AW' or value >> 1 != self.bytes[0].value >> 1)):
                self.cut(self.restart[1])
            self.bytes.append(Byte(ss, es, kind, value))
        elif ptype in ('ACK', 'NACK'):
            if self.bytes:
                self.bytes[-1].ack = ptype == 'ACK'
                self.bytes[-1].es = es
        elif ptype == 'STOP':
            self.transaction(self.bytes, self.ss_start, es, True)
            self.bytes = None

    def cut(self, ss):
        '''Ends the transaction at a repeated START SMBus has no place for; begins the next.'''
        self.warn(ss, ss, 'repeated START after %d byte(s): the transaction before it ended '
                  'with no STOP (its master died?)' % len(self.bytes))
        self.transaction(self.bytes, self.ss_start, ss, False)
        self.bytes, self.ss_start, self.restart = [], ss, None

    # ---- SMBus ----

    def transaction(self, items, ss, es, stopped):
        '''stopped: a STOP ended it (ssif_bmc takes a request, and ipmi_ssif a response, only
        from a transfer that ended).'''
        if not items:
            return
        addr = items[0]
        if addr.kind not in ('AW', 'AR') or (addr.value >> 1) != self.options['address']:
            return  # another target's transfer
        wire = '0x%02x (7-bit 0x%02x)' % (addr.value & 0xfe, addr.value >> 1)
        if addr.ack is False:
            self.put_ann(ss, es, A_SMBUS, ['NAK at address %s' % wire, 'NAK', 'N'])
            self.warn(addr.ss, addr.es, 'address %s NAKed' % wire)
            return
        if addr.kind == 'AR':
            self.put_ann(ss, es, A_SMBUS, ['I2C read, %d byte(s), without a command'
                                           % (len(items) - 1), 'I2C read'])
            self.warn(ss, es, 'framing: a read without an SMBus command')
            return
        if len(items) < 2:
            self.put_ann(ss, es, A_SMBUS, ['Quick write', 'Quick'])
            return
        cmd = items[1]
        if cmd.ack is False:
            self.warn(cmd.ss, cmd.es, 'command byte 0x%02x NAKed' % cmd.value)
        rest = items[2:]
        if rest and rest[0].kind == 'AR':
            self.block_read(items[0], cmd, rest[0], rest[1:], ss, es, stopped)
        else:
            self.block_write(items[0], cmd, rest, ss, es, stopped)

    def check_pec(self, covered, body, count, ss, es, what):
        '''Splits body into data and PEC; returns (data, pec_ok or None, framing ok).'''
        if len(body) == count + 1:
            data, pec = body[:count], body[count]
            want = pec8(covered + [b.value for b in data])
            if pec.value == want:
                self.put_ann(pec.ss, pec.es, A_PEC_GOOD, ['PEC 0x%02x good' % pec.value,
                                                         'PEC ok', 'P'])
                return data, True, True
            self.put_ann(pec.ss, pec.es, A_PEC_BAD,
                         ['PEC 0x%02x bad (expected 0x%02x)' % (pec.value, want),
                          'PEC bad', 'P!'])
            self.warn(pec.ss, pec.es, 'bad PEC on %s: 0x%02x, expected 0x%02x'
                      % (what, pec.value, want))
            return data, False, True
        if len(body) == count:
            return body, None, True
        self.warn(ss, es, 'framing: count %d but %d byte(s) followed on %s'
                  % (count, len(body), what))
        return body[:count], None, False

    def block_write(self, addr, cmd, body, ss, es, stopped):
        name = COMMAND_NAMES.get(cmd.value, 'unknown command')
        for b in body:
            if b.ack is False:
                self.warn(b.ss, b.es, 'data byte 0x%02x NAKed (write 0x%02x)'
                          % (b.value, cmd.value))
        if not body:
            self.put_ann(ss, es, A_SMBUS, ['Write 0x%02x (%s): no count' % (cmd.value, name),
                                           'W %02x' % cmd.value])
            self.warn(ss, es, 'framing: write 0x%02x ended after the command' % cmd.value)
            return
        count = body[0].value
        data, pec_ok, framed = self.check_pec([addr.value, cmd.value, count], body[1:], count,
                                              ss, es, 'write 0x%02x' % cmd.value)
        values = [b.value for b in data]
        self.put_ann(ss, es, A_SMBUS,
                     ['Block write 0x%02x (%s), count %d: %s' % (cmd.value, name, count,
                                                                  hexs(values) or '-'),
                      'W %02x [%d]' % (cmd.value, count), 'W'])
        if count > PART_MAX:
            self.warn(ss, es, 'framing: count %d over %d' % (count, PART_MAX))
        if pec_ok is False or not framed or any(b.ack is False for b in body) or not stopped:
            return
        self.write_part(cmd.value, values, ss, es)

    def block_read(self, addr, cmd, addr_r, body, ss, es, stopped):
        name = COMMAND_NAMES.get(cmd.value, 'unknown command')
        if addr_r.ack is False:
            self.put_ann(ss, es, A_SMBUS, ['Read 0x%02x: NAK at the repeated START'
                                           % cmd.value, 'R NAK'])
            self.warn(addr_r.ss, addr_r.es, 'address 0x%02x NAKed (read)' % addr_r.value)
            return
        if not body:
            self.put_ann(ss, es, A_SMBUS, ['Read 0x%02x: no count' % cmd.value, 'R'])
            self.warn(ss, es, 'framing: read 0x%02x ended before its count' % cmd.value)
            return
        count = body[0].value
        covered = [addr.value, cmd.value, addr_r.value, count]
        data, pec_ok, framed = self.check_pec(covered, body[1:], count, ss, es,
                                              'read 0x%02x' % cmd.value)
        values = [b.value for b in data]
        self.put_ann(ss, es, A_SMBUS,
                     ['Block read 0x%02x (%s), count %d: %s' % (cmd.value, name, count,
                                                                 hexs(values) or '-'),
                      'R %02x [%d]' % (cmd.value, count), 'R'])
        if count == 0 or count > PART_MAX:
            # A Linux master NAKs such a count and stops (-EPROTO).
            self.warn(ss, es, 'framing: read 0x%02x returned count %d' % (cmd.value, count))
            return
        if pec_ok is False or not framed or not stopped:
            return
        self.read_part(cmd.value, values, ss, es)

    # ---- SSIF parts and IPMI messages ----

    def part(self, ss, es, long, short):
        self.put_ann(ss, es, A_PART, [long, short])

    def write_part(self, cmd, data, ss, es):
        if cmd == WRITE_SINGLE:
            self.part(ss, es, 'Single-part write, %d byte(s)' % len(data), 'Single')
            if self.request:
                self.warn(ss, es, 'framing: a multi-part request left unfinished')
            self.request = None
            self.ipmi_request(ss, es, data)
        elif cmd == WRITE_START:
            self.part(ss, es, 'Start write, %d byte(s)' % len(data), 'Start')
            if self.request:
                self.warn(ss, es, 'framing: a multi-part request left unfinished')
            self.request = [ss, list(data)]
        elif cmd in (WRITE_MIDDLE, WRITE_END):
            end = cmd == WRITE_END or len(data) < PART_MAX
            if cmd == WRITE_END:
                self.part(ss, es, 'End write, %d byte(s)' % len(data), 'End')
            elif not data:
                self.part(ss, es, 'Zero-length end write (0x07)', 'End 0')
            elif end:
                self.part(ss, es, 'Short middle write ends the request, %d byte(s)'
                          % len(data), 'End')
            else:
                self.part(ss, es, 'Middle write, %d byte(s)' % len(data), 'Middle')
            if self.request is None:
                self.warn(ss, es, 'framing: write 0x%02x without a start (0x06)' % cmd)
                return
            self.request[1] += data
            if end:
                self.ipmi_request(self.request[0], es, self.request[1])
                self.request = None
        else:
            self.part(ss, es, 'Write 0x%02x: not an SSIF write' % cmd, '?')
            self.warn(ss, es, 'framing: write 0x%02x is not an SSIF command' % cmd)

    def read_part(self, cmd, data, ss, es):
        if cmd == READ_START:
            if self.response:
                self.warn(ss, es, 'framing: a multi-part response left unfinished')
            if len(data) >= 2 and data[0] == 0x00 and data[1] == 0x01:
                self.part(ss, es, 'Start read, %d byte(s)' % (len(data) - 2), 'Start')
                self.response = [ss, list(data[2:]), 0]
            else:
                self.part(ss, es, 'Single-part read, %d byte(s)' % len(data), 'Single')
                self.response = None
                self.ipmi_response(ss, es, data)
        elif cmd == READ_MIDDLE:
            block = data[0]
            if block == READ_END_BLOCK:
                self.part(ss, es, 'End read, %d byte(s)' % (len(data) - 1), 'End')
            else:
                self.part(ss, es, 'Middle read, block %d, %d byte(s)' % (block, len(data) - 1),
                          'Middle %d' % block)
            if self.response is None:
                self.warn(ss, es, 'framing: read 0x09 without a start (0x03 answered 00 01)')
                return
            if block != READ_END_BLOCK and block != self.response[2]:
                self.warn(ss, es, 'framing: block %d, expected %d' % (block, self.response[2]))
            self.response[1] += data[1:]
            if block == READ_END_BLOCK:
                self.ipmi_response(self.response[0], es, self.response[1])
                self.response = None
            else:
                self.response[2] = block + 1
        else:
            self.part(ss, es, 'Read 0x%02x: not an SSIF read' % cmd, '?')
            self.warn(ss, es, 'framing: read 0x%02x is not an SSIF command' % cmd)

    def ipmi_request(self, ss, es, msg):
        if len(msg) < 2:
            self.warn(ss, es, 'IPMI request shorter than netfn and cmd: %s' % hexs(msg))
            return
        netfn, lun, cmd = msg[0] >> 2, msg[0] & 3, msg[1]
        text = 'Request: netfn 0x%02x (%s) lun %d cmd 0x%02x data: %s' % (
            netfn, NETFN_NAMES.get(netfn & 0x3e, 'OEM/other'), lun, cmd, hexs(msg[2:]) or '-')
        self.put_ann(ss, es, A_REQUEST, [text, 'Req %02x/%02x' % (netfn, cmd), 'Req'])

    def ipmi_response(self, ss, es, msg):
        if len(msg) < 3:
            self.warn(ss, es, 'IPMI response shorter than netfn, cmd and cc: %s' % hexs(msg))
            return
        netfn, lun, cmd, cc = msg[0] >> 2, msg[0] & 3, msg[1], msg[2]
        text = 'Response: netfn 0x%02x (%s) lun %d cmd 0x%02x cc 0x%02x data: %s' % (
            netfn, NETFN_NAMES.get(netfn & 0x3e, 'OEM/other'), lun, cmd, cc,
            hexs(msg[3:]) or '-')
        self.put_ann(ss, es, A_RESPONSE, [text, 'Rsp %02x/%02x cc %02x' % (netfn, cmd, cc),
                                          'Rsp'])
