"""Alerts: following an area (a district, or a circle around a place). New reports and status
changes there reach the follower by e-mail (at once or as a daily digest) and as Atom feeds.

models.py (subscriptions, messages), service.py (subscribing, confirming, matching, digests),
places.py (which public events lie in an area), texts.py (what the messages say), mail.py
(SMTP or files under var/mail), feeds.py (Atom), views.py (/feeds/…, /alerts/… pages), jobs.py.
"""
