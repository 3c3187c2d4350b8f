"""The outbox: one home for every e-mail the portal sends — deadline reminders, escalations with the draft
urging letter, the weekly digest, and urging letters written by the committee or DOST.

* ``sweep`` — which reminders and digests are due on a day; it claims them and hands on through a callback;
* ``outbox`` — claim, take, send, mark; the lease keeper; retries and giving up;
* ``emails`` — what each notice says, in its recipient's language;
* ``schedules`` — beat's schedules (daily sweep, weekly digest, the sender every minute);
* ``tasks`` — the Celery tasks, the only module here that knows Celery.

Exactly once, step by step:

1. **Claim.** A notice is one ``ReminderLog`` row per recipient, inserted with ``INSERT … ON CONFLICT DO
   NOTHING``; unique constraints on what identifies it let only the first sweep (or the urging request)
   create it. No e-mail has gone out.
2. **Wake.** The senders are queued after the claims commit. If the broker is away nothing is lost: beat runs
   the sender every minute, and it takes whatever is due.
3. **Take.** A sender takes a few rows — pending or failed and due, or "sending" whose lease ran out — with
   ``SELECT … FOR UPDATE SKIP LOCKED`` inside the conditional ``UPDATE`` that moves them to *sending* under a
   fresh claim token and counts an attempt. Two senders never hold the same row; a take-over is an attempt
   too, and a row whose sender stopped on the last allowed attempt is given up, not taken again.
4. **Send, then mark.** While the sender holds rows, a lease keeper thread renews their lease every third
   of it, so a slow mail server cannot make the lease run out mid-send; one message may take at most
   ``REMINDER_SEND_DEADLINE_SECONDS``, then its connection is dropped and the attempt fails. After the mail
   server accepted the message the row is marked *sent* at once (conditional on the token). A failure marks
   it *failed* with backoff; after ``REMINDER_MAX_ATTEMPTS`` it is *given up* — listed on the "not yet
   delivered" page and in the admin, never dropped silently.

A sender killed at any point stops renewing; its rows are taken again one lease later, by the next minute's
sender at the latest. The one residual window is between the mail server accepting a message and the
``UPDATE`` that marks it sent (a few milliseconds), or a message dropped at the deadline after the server
had it: that one notice goes out a second time, with the same Message-ID, so mail clients show it once.
"""
