from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backend.extensions import db
from backend.migration_settings import CONFIGURE_ARGS


def test_the_migrated_schema_equals_the_models():
    """The test database was built by `upgrade()` from empty; autogenerate must find nothing."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=dict(CONFIGURE_ARGS, target_metadata=db.metadata))
        diff = compare_metadata(context, db.metadata)
    assert diff == []
