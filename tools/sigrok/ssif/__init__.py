##
## SSIF (IPMI's SMBus System Interface) protocol decoder for libsigrokdecode.
## Part of ssifsim. Licensed GPL-2.0-or-later, as libsigrokdecode's own decoders.
##

'''
This decoder stacks on top of the 'i2c' PD and decodes IPMI's SMBus System
Interface (SSIF, IPMI v2.0 chapter 12) as the Linux ipmi_ssif host driver and
the ssif_bmc slave driver speak it.

Rows, top to bottom:
 - SMBus: each transaction to the BMC's address (block write, block read, with
   the SMBus command, the byte count and data), and its PEC (CRC-8 over every
   byte on the wire, addresses included) checked: good or bad.
 - SSIF parts: single-part write/read, multi-part write start (0x06), middle
   (0x07) and end (0x08, or a short or zero-length 0x07), multi-part read
   start (0x03 answered 00 01), middles (0x09) with their block number, end
   (block 0xFF).
 - IPMI: the requests and responses reassembled from their parts: netfn, LUN,
   cmd, completion code and data. A part with a bad PEC is not used.
 - Warnings: bad PEC, a NAKed address or data byte, framing errors (a count
   that disagrees with the bytes, a block number out of sequence, a middle
   without a start, a START without a STOP, a read without a command).

Addresses are shown as the byte on the wire (0x20) and as 7-bit (0x10).
'''

from .pd import Decoder
