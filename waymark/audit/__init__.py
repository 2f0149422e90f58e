"""The security audit trail: who did what to which record, when, from where, and whether it
was allowed. Design: docs/adr/0003-audit-trail.md. In short:

Writing
    ``actions.audit_record(actor=..., action=AuditAction.X, obj=..., detail={...})`` is the only
    way in. Call it inside the transaction of the change it records: it rolls back with the
    change. Never put values (names, addresses, phone numbers, search terms) in a row: only
    types, ids, counts and field names. ``omit_client_ip=True`` for requests from the public
    (a survivor's self-referral), whose IP address could locate them.

Append-only
    ``AuditEvent.save()`` of an existing row, ``delete()``, and the queryset's ``update()``,
    ``delete()`` and ``bulk_create()`` raise PermissionError on every database. On PostgreSQL a
    trigger (migration 0002) refuses UPDATE and DELETE even from raw SQL. Appends are
    serialised by a transaction-scoped advisory lock (SQLite: IMMEDIATE transactions).

The chain (``chain.py``)
    Each row carries a gap-free ``sequence`` and an HMAC-SHA256, keyed with AUDIT_CHAIN_KEY,
    of its fields and the previous row's hash. What is hashed is exactly what the database
    hands back (IPv6 addresses in Django's short form, detail after a JSON round trip).

Checking (``manage.py verify_audit_chain``)
    Exits 1 naming the first bad row (sequence and row id) when a row was edited, inserted,
    renumbered or deleted from the middle; prints the count and head (SEQUENCE:HASH) when
    intact. Deleting the newest rows leaves a valid shorter chain: only a head recorded outside
    the database catches that (``--expect-head SEQUENCE:HASH``, or ``--checkpoint PATH`` which
    checks against and then advances a head kept in a file). Run it on a schedule.

Reading (``views.py``, auditors only)
    ``/audit/`` searches by record (type and id), user, agency, action, outcome, request id
    and date range; ``/audit/events/<sequence>/`` shows one event and whether its hash and link
    verify; ``/audit/export.csv`` exports a search with formula-like cells neutralised. Each
    search, event view and export is itself audited, with criteria names and counts only.
"""
