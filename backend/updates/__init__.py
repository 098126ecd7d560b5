"""Citizens' updates on reports: what a citizen adds to a report after filing it (text, a photo), from
the web app or an Open311 front end such as FixMyStreet, shown publicly after the same checks as
reports and moderated like them."""
