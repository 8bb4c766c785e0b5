#!/usr/bin/env bash
# Acceptance tests drive the real Terraform CLI: make sure one is there.
set -euo pipefail
tf="${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || true)}"
if [ -z "$tf" ]; then
  echo "error: the terraform CLI (>= 1.10) is not on PATH. Install Terraform, or set TF_ACC_TERRAFORM_PATH to its binary." >&2
  exit 2
fi
version=$("$tf" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p')
major=${version%%.*}; rest=${version#*.}; minor=${rest%%.*}
if [ -z "$version" ] || [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 10 ]; }; then
  echo "error: terraform $version at $tf is too old; drsorch needs Terraform >= 1.10 (ephemeral resources)." >&2
  exit 2
fi
echo "terraform $version ($tf)"
