#!/usr/bin/env bash
# The main job's development audit keys, made once per checkout in the state directory (.local);
# production passes its own (docs/audit-trail.md, "Keys and rotation"). Prints `export ...` for each
# variable not already given (neither the keys nor their file):
#   RRM_AUDIT_HMAC_KEYS_FILE        HMAC key that signs the audit records (audit-keys.json)
#   RRM_AUDIT_CHECKPOINT_KEYS_FILE  Ed25519 key that signs checkpoints (audit-checkpoint-keys.json)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Makes $1, unless it exists, from what the node program $2 prints. Readable by its owner only from
# the first byte: written to a temp file beside it, which mktemp creates with mode 600, then renamed
# over it (never chmod-ed after, which would leave it readable for a moment).
make_key_file() {
  local file="$1" tmp
  [[ -s "$file" ]] && return 0
  tmp="$(mktemp "$file.XXXXXX")"
  if node -e "$2" >"$tmp"; then mv "$tmp" "$file"; else rm -f "$tmp"; die "could not make $file"; fi
}

mkdir -p "$STATE_DIR"

if [[ -z "${RRM_AUDIT_HMAC_KEYS:-}${RRM_AUDIT_HMAC_KEYS_FILE:-}" ]]; then
  keys="$STATE_DIR/audit-keys.json"
  make_key_file "$keys" 'const k=require("crypto").randomBytes(32).toString("base64");
    console.log(JSON.stringify({activeKeyId:"dev-1",keys:{"dev-1":k}}))'
  echo "export RRM_AUDIT_HMAC_KEYS_FILE='$keys'"
fi

if [[ -z "${RRM_AUDIT_CHECKPOINT_KEYS:-}${RRM_AUDIT_CHECKPOINT_KEYS_FILE:-}" ]]; then
  keys="$STATE_DIR/audit-checkpoint-keys.json"
  make_key_file "$keys" 'const {privateKey}=require("crypto").generateKeyPairSync("ed25519");
    const k=privateKey.export({type:"pkcs8",format:"der"}).toString("base64");
    console.log(JSON.stringify({activeKeyId:"dev-cp-1",keys:{"dev-cp-1":k}}))'
  echo "export RRM_AUDIT_CHECKPOINT_KEYS_FILE='$keys'"
fi
