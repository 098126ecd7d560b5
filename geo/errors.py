class GeoError(ValueError):
    """A geometry or coordinate problem, with a stable code and a readable reason."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
