"""A local stand-in for AWS Partner Central's Selling API, for tests and for trying the sync.

An HTTP server on 127.0.0.1 that speaks the service's own JSON protocol (awsJson1_0), so a
real botocore client pointed at it with ``endpoint_url`` works unchanged. Every request is
checked against botocore's ``partnercentral-selling`` service model; the state (opportunities,
review statuses, idempotency tokens) lives in memory and can be loaded from and saved to JSON.

moto has no Partner Central backend, and the Sandbox catalog needs a linked AWS account, so the
sync's tests and the demo run against this. Nothing in the app imports it: it sits beside the
services, reached only from its own command (``cloudroute-desk partner-central-emulator``).
"""
