#!/bin/sh
# Regenerates the TLS fixtures in fixtures/tls (run from anywhere; needs openssl). The certificates
# have fixed validity dates, so tests never depend on the day they run:
#   ca.pem          the test CA (2024-01-01 .. 2124-01-01); tests trust it, nothing else does
#   valid.pem       localhost, 127.0.0.1, ::1, signed by the test CA, valid until 2124
#   expired.pem     the same names, signed by the test CA, valid 2020-01-01 .. 2021-01-01 only
#   wrong-host.pem  wrong-host.invalid only, signed by the test CA, valid until 2124
#   untrusted.pem   localhost, 127.0.0.1, ::1, signed by a CA nobody trusts (its key is thrown away)
#   server.key      the one P-256 key of all four leaf certificates
set -eu
out="$(cd "$(dirname "$0")/.." && pwd)/fixtures/tls"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$work"

ca() { # name subject
  openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  mkdir -p "$1.db" && : > "$1.db/index.txt" && echo 1000 > "$1.db/serial"
  cat > "$1.cnf" <<CNF
[ ca ]
default_ca = this
[ this ]
dir = $work/$1.db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = copy
[ anything ]
commonName = supplied
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ leaf_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
CNF
  openssl ca -batch -config "$1.cnf" -selfsign -keyfile "$1.key" -in "$1.csr" -extensions ca_ext \
    -startdate 20240101000000Z -enddate 21240101000000Z -notext -out "$1.pem" 2>/dev/null
}

leaf() { # ca name san start end
  openssl req -new -key server.key -subj "/CN=sandbox-broker $2" -addext "subjectAltName = $3" -out "$2.csr"
  openssl ca -batch -config "$1.cnf" -cert "$1.pem" -keyfile "$1.key" -in "$2.csr" -extensions leaf_ext \
    -startdate "$4" -enddate "$5" -notext -out "$2.pem" 2>/dev/null
}

openssl ecparam -name prime256v1 -genkey -noout -out server.key
ca testca "/CN=kit sandbox-broker test CA"
ca otherca "/CN=kit sandbox-broker untrusted CA"
names="DNS:localhost, IP:127.0.0.1, IP:::1"
leaf testca valid "$names" 20240101000000Z 21240101000000Z
leaf testca expired "$names" 20200101000000Z 20210101000000Z
leaf testca wrong-host "DNS:wrong-host.invalid" 20240101000000Z 21240101000000Z
leaf otherca untrusted "$names" 20240101000000Z 21240101000000Z

cp testca.pem "$out/ca.pem"
cp server.key valid.pem expired.pem wrong-host.pem untrusted.pem "$out/"
echo "wrote $out"
