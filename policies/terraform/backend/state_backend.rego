# METADATA
# title: Terraform state is in an encrypted, locked S3 backend
# description: >-
#   From .tf sources only: the terraform_backend pseudo-resource (address
#   terraform.backend, values {"type": ..., "config": {...}}) is of type "s3" with
#   config.encrypt = true and locking, either a non-empty config.dynamodb_table or
#   config.use_lockfile = true (S3 native locking). Any other backend type
#   (local, remote, cloud, gcs, ...) FAILS, and so does an S3 backend without
#   encryption or locking. An S3 backend with an empty config block (partial
#   configuration supplied with -backend-config at init) or whose settings are
#   unknown is UNKNOWN. Plans carry no backend, so the rule gives no outcome there.
# custom:
#   id: STATE-001
#   severity: medium
#   resource_types: [terraform_backend]
#   sources: [hcl]
#   remediation: |-
#     Keep the state in S3, encrypted, with a lock:
#
#       terraform {
#         backend "s3" {
#           bucket         = "acme-terraform-state"
#           key            = "prod/terraform.tfstate"
#           region         = "us-east-1"
#           encrypt        = true
#           dynamodb_table = "terraform-locks"   # or: use_lockfile = true
#         }
#       }
package terraform.backend.state_backend

import rego.v1

import data.lib.infracheck as lib

backends := lib.resources("terraform_backend")

is_true(v) if v == true

is_true(v) if v == "true"

backend_type(b) := infracheck.get(b.values, "type", null)

config(b) := c if {
	c := infracheck.get(b.values, "config", {})
	is_object(c)
} else := {}

s3(b) if {
	not infracheck.is_unknown(b.unknown, "type")
	backend_type(b) == "s3"
}

partial(b) if count(config(b)) == 0

locked(b) if {
	t := object.get(config(b), "dynamodb_table", "")
	is_string(t)
	t != ""
}

locked(b) if is_true(object.get(config(b), "use_lockfile", false))

deny contains {"address": b.address, "message": sprintf("the Terraform backend is %q, not an encrypted S3 backend with locking", [backend_type(b)])} if {
	some b in backends
	not infracheck.is_unknown(b.unknown, "type")
	backend_type(b) != "s3"
}

deny contains {"address": b.address, "message": "the S3 backend does not set encrypt = true"} if {
	some b in backends
	s3(b)
	not partial(b)
	not infracheck.is_unknown(b.unknown, "config.encrypt")
	not is_true(object.get(config(b), "encrypt", false))
}

deny contains {"address": b.address, "message": "the S3 backend has no state locking (dynamodb_table or use_lockfile = true)"} if {
	some b in backends
	s3(b)
	not partial(b)
	not locked(b)
	not infracheck.is_unknown(b.unknown, "config.dynamodb_table")
	not infracheck.is_unknown(b.unknown, "config.use_lockfile")
}

unknown contains {"address": b.address, "message": "the S3 backend settings are supplied at init (partial configuration), so encryption and locking are not known"} if {
	some b in backends
	s3(b)
	partial(b)
	not infracheck.is_unknown(b.unknown, "config")
}

unknown contains {"address": b.address, "message": "the backend settings are not known"} if {
	some b in backends
	some p in ["type", "config.encrypt"]
	infracheck.is_unknown(b.unknown, p)
}

unknown contains {"address": b.address, "message": "the backend settings are not known"} if {
	some b in backends
	s3(b)
	not locked(b)
	some p in ["config.dynamodb_table", "config.use_lockfile"]
	infracheck.is_unknown(b.unknown, p)
}
