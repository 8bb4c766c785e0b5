# Against AWS: region and credentials as with the AWS provider (environment,
# shared files, profile), optionally assuming a role in the DR account.
provider "drsorch" {
  region  = "us-east-1"
  profile = "dr-admin"

  assume_role {
    role_arn     = "arn:aws:iam::210987654321:role/drsorch"
    session_name = "terraform"
  }

  # On every recovery plan, under each plan's own tags.
  default_tags {
    tags = {
      cost-center = "dr"
      owner       = "platform"
    }
  }
  # Tags set by other tools: never read back as drift, never removed.
  ignore_tags {
    key_prefixes = ["ops/"]
  }
}

# Against a local run service (`drsorch serve`): every API goes to one URL
# with local credentials. DRSORCH_RUN_SERVICE_ENDPOINT does the same.
provider "drsorch" {
  alias                = "local"
  region               = "us-east-1"
  run_service_endpoint = "http://127.0.0.1:8787"
}
