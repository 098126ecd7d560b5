"""schemathesis against /api/v1/openapi.json, in process against the WSGI app: every operation,
a bounded number of generated requests each, signed in with a real bearer token. No answer
may be a 5xx, and every answer must match what the document says of that operation
(including the error bodies {code, message, fields})."""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from backend.extensions import db
from tests import factories as f

EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance]


def test_the_api_answers_every_generated_request_as_documented(app, town):
    token = f.api_token(town["reporter"])
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            with app.app_context():  # one database session per request, as in production
                response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=CHECKS)

        try:
            exercise()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
