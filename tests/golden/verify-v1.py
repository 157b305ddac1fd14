#!/usr/bin/env python3
# Re-check the golden vectors of format v1 against doc/FORMAT.md (part 2) with an
# independent implementation (needs python3-cryptography).  Not run by make check.
# SPDX-License-Identifier: Apache-2.0
import hmac, hashlib, base64, configparser, struct
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand
from cryptography.hazmat.primitives import hashes
import os, sys
G=os.path.dirname(os.path.abspath(__file__))+'/'
ID=b'0123456789abcdef0123456789abcdef'
dek=bytes(range(32))
def open_stream(data, key, id_):
    h=data[:64]; assert h[:8]==b'\x89CVD\r\n\x1a\n'; assert h[8:10]==b'\x00\x01' and h[10]==1 and h[11]==0
    assert struct.unpack('>I',h[12:16])[0]==65536 and h[16:48]==id_
    assert hmac.new(key,h[:48],hashlib.sha256).digest()[:16]==h[48:64]
    body=data[64:]; out=b''; i=0; a=AESGCM(key)
    while True:
        chunk=body[i*65552:(i+1)*65552]; last = (i+1)*65552 >= len(body)
        nonce=i.to_bytes(11,'big')+bytes([1 if last else 0])
        out+=a.decrypt(nonce,chunk,h)
        if last: return out
        i+=1
pat=bytes(((i*2654435761)>>13)&0xff for i in range(70000))
assert open_stream(open(G+'data-v1.bin','rb').read(),dek,ID)==pat
assert open_stream(open(G+'data-v1-short.bin','rb').read(),dek,ID)==b'Hello, vault!\n'
kf=configparser.ConfigParser(); kf.read(G+'keys-v1.txt')
kek=bytes.fromhex(kf['site']['key'])
def derive(p): return HKDF(hashes.SHA256(),32,b'\0'*32,b'cups-vault v1 '+p.encode()).derive(kek)
for p in ('wrap','sidecar-mac','reference-mac'): assert derive(p).hex()==kf['derive'][p], p
wrap=derive('wrap')
def aad(label,salt=None,it=0):
    a=label+b'\0'+bytes([1])+ID+bytes([1 if salt else 0])
    if salt: a+=struct.pack('>I',it)+salt
    return a
b=base64.b64decode(kf['wrap-plain']['wrapped'])
assert AESGCM(wrap).decrypt(b[:12],b[12:],aad(b'cups-vault data-key'))==dek
b=base64.b64decode(kf['wrap-secret']['wrapped']); salt=base64.b64decode(kf['wrap-secret']['salt']); it=int(kf['wrap-secret']['iterations'])
inner=AESGCM(wrap).decrypt(b[:12],b[12:],aad(b'cups-vault data-key',salt,it))
p=hashlib.pbkdf2_hmac('sha256',kf['wrap-secret']['secret'].encode(),salt,it,32)
sk=HKDF(hashes.SHA256(),32,wrap,b'cups-vault v1 secret-wrap').derive(p)
assert AESGCM(sk).decrypt(inner[:12],inner[12:],aad(b'cups-vault data-key secret',salt,it))==dek
assert hmac.new(derive('sidecar-mac'),b'cups-vault golden MAC input\n',hashlib.sha256).hexdigest()==kf['mac']['sidecar-mac']
print('independent check: all golden vectors match the documented format')
