from tests.staff_city import sign_in, town  # noqa: F401  (fixtures)
