"""Request and response schemas of /api/v1 (marshmallow; they become the OpenAPI document)."""
from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from backend.schema_fields import Id, Integer, Latitude, Longitude, Text

# marshmallow's own messages (its fields' and validators' defaults) as the request's language says
# them; our fields (backend/schema_fields.py) already answer through gettext and pass unchanged.
MARSHMALLOW_MESSAGES: dict[str, Any] = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field may not be empty."),
    "Invalid value.": _l("This value is not valid."),
    "Invalid type.": _l("This value has the wrong type."),
    "Invalid input type.": _l("The body must be a JSON object."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid string.": _l("Must be text."),
    "Not a valid utf-8 string.": _l("Text must be UTF-8 without NUL characters."),
    "Not a valid number.": _l("Must be a number."),
    "Number too large.": _l("This number is too large."),
    "Not a valid integer.": _l("Must be a whole number."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Must be a finite number."),
    "Not a valid boolean.": _l("Must be true or false."),
    "Not a valid list.": _l("Must be a list."),
    "Not a valid mapping type.": _l("Must be an object."),
    "Not a valid datetime.": _l("Must be a date and time such as 2024-05-31T08:00:00+08:00."),
    "Not a valid date.": _l("Must be a date such as 2024-05-31."),
    "Not a valid email address.": _l("Must be an e-mail address."),
    "Not a valid URL.": _l("Must be a web address."),
}
MARSHMALLOW_PATTERNS: list[tuple[re.Pattern, Any]] = [
    (re.compile(r"Length must be between (?P<min>\d+) and (?P<max>\d+)\."), _l("Must have a length from %(min)s to %(max)s.")),
    (re.compile(r"Shorter than minimum length (?P<min>\d+)\."), _l("Must have a length of at least %(min)s.")),
    (re.compile(r"Longer than maximum length (?P<max>\d+)\."), _l("Must have a length of at most %(max)s.")),
    (re.compile(r"Length must be (?P<equal>\d+)\."), _l("Must have a length of %(equal)s.")),
    (re.compile(r"Must be one of: (?P<choices>.*)\."), _l("Must be one of: %(choices)s.")),
    (re.compile(r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\."),
     _l("Must be between %(min)s and %(max)s.")),
    (re.compile(r"Must be greater than or equal to (?P<min>\S+)\."), _l("Must be at least %(min)s.")),
    (re.compile(r"Must be less than or equal to (?P<max>\S+)\."), _l("Must be at most %(max)s.")),
]


def translated(messages: Any) -> Any:
    """A ValidationError's messages (nested dicts and lists of text) in the request's language."""
    if isinstance(messages, dict):
        return {key: translated(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translated(value) for value in messages]
    if not isinstance(messages, str):
        return messages
    if messages in MARSHMALLOW_MESSAGES:
        return str(MARSHMALLOW_MESSAGES[messages])
    for pattern, message in MARSHMALLOW_PATTERNS:
        found = pattern.fullmatch(messages)
        if found:
            return str(message) % found.groupdict()
    return messages


class In(Schema):
    """Every request schema: unknown fields ignored, problems told in the request's language."""

    class Meta:
        unknown = EXCLUDE

    def handle_error(self, error: ValidationError, data: Any, *, many: bool, **kwargs: Any) -> None:
        raise ValidationError(translated(error.messages), data=error.data, valid_data=error.valid_data) from None


class ErrorOut(Schema):
    code = fields.String(required=True, metadata={"description": "Stable code to switch on"})
    message = fields.String(required=True, metadata={"description": "For people, in the request's language"})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.String(),
                          metadata={"description": "Per field problems"})


LANGUAGE = Text(max_length=20, multiline=False, load_default=None,
                metadata={"description": "zh_Hans or en (any zh-*/en-* tag is accepted)"})


class CitizenIn(In):
    display_name = Text(max_length=80, multiline=False, required=True)
    language = LANGUAGE


class CitizenPatch(In):
    display_name = Text(max_length=80, multiline=False, validate=validate.Length(min=1))
    language = Text(max_length=20, multiline=False)


class ChannelLoginIn(In):
    channel = fields.String(required=True, validate=validate.OneOf(["telegram"]))
    channel_secret = fields.String(required=True, validate=validate.Length(min=1, max=200))
    external_id = fields.Raw(required=True, metadata={"description": "The user's id on the channel (string or integer)"})
    display_name = Text(max_length=200, multiline=False, required=True)
    language = LANGUAGE


class CitizenOut(Schema):
    id = fields.Integer()
    display_name = fields.String()
    language = fields.String()
    created_at = fields.DateTime()


class TokenOut(Schema):
    token = fields.String(metadata={"description": "Bearer token; shown once"})
    citizen = fields.Nested(CitizenOut)


class AttributeValueOut(Schema):
    key = fields.String()
    name = fields.String()


class AttributeOut(Schema):
    code = fields.String()
    datatype = fields.String()
    required = fields.Boolean()
    description = fields.String()
    order = fields.Integer()
    values = fields.List(fields.Nested(AttributeValueOut))


class CategoryOut(Schema):
    code = fields.String()
    name = fields.String()
    description = fields.String()
    group = fields.String()
    attributes = fields.List(fields.Nested(AttributeOut))


class PointIn(In):
    lat = Latitude(required=True)
    long = Longitude(required=True)


class ResponsibilityOut(Schema):
    category = fields.String()
    category_name = fields.String()
    department = fields.String()
    department_name = fields.String()


class WhereOut(Schema):
    inside_service_area = fields.Boolean()
    responsibilities = fields.List(fields.Nested(ResponsibilityOut))


class ReportIn(In):
    category = Text(max_length=60, multiline=False, required=True, metadata={"description": "A category code"})
    lat = Latitude(required=True)
    long = Longitude(required=True)
    # The 4000-character limit is the reports service's (every channel shares it, with its own error code).
    description = Text(max_length=100_000, load_default="", metadata={"description": "What is wrong", "maxLength": 4000})
    attributes = fields.Dict(keys=fields.String(), load_default=dict,
                             metadata={"description": "Answers to the category's attribute questions, by code"})
    # No load_default: a documented default of null makes generated forms send the text "null".
    address = Text(max_length=300, multiline=False, allow_none=True, metadata={"description": "Street address, if known"})


class ReportMultipartIn(ReportIn):
    attributes = fields.String(metadata={"description": "The attributes object as a JSON string"})
    photos = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}),
                         metadata={"description": "Up to 3 photos (JPEG, PNG or WebP), each a file part", "maxItems": 3})


class ReportCreatedOut(Schema):
    id = fields.Integer()
    status = fields.String()
    reference = fields.String()
    public_url = fields.String()


class NearbyIn(PointIn):
    category = Text(max_length=60, multiline=False, load_default=None, validate=validate.Length(min=1),
                    metadata={"description": "The category chosen so far: ranks its reports higher, "
                                             "does not filter (reports of other categories are offered too)"})
    description = Text(max_length=4000, load_default="",
                       metadata={"description": "What the citizen wrote: reports worded alike rank first. "
                                                "Without it only the same category close by is offered"})


class ReportBriefOut(Schema):
    id = fields.Integer()
    reference = fields.String(metadata={"description": "The number shown to citizens, e.g. CG-000123"})
    category = fields.String()
    category_name = fields.String()
    status = fields.String()
    description = fields.String()
    supporters = fields.Integer()
    created_at = fields.DateTime()
    public_url = fields.String()


class NearbyOut(ReportBriefOut):
    distance_m = fields.Float(metadata={"description": "From the point asked about to the report's public location"})
    thumbnail_url = fields.String(allow_none=True)
    score = fields.Float(metadata={"description": "How likely it is the same problem, 0-1 (the list is sorted by it)"})
    similarity = fields.Float(allow_none=True, metadata={"description": "How alike the two descriptions are, 0-1; "
                                                                        "null without a description"})
    same_category = fields.Boolean()
    reasons = fields.List(fields.String(validate=validate.OneOf(["near", "similar_wording", "same_category"])),
                          metadata={"description": "Why it is offered: near (within DUPLICATE_NEAR_M), "
                                                   "similar_wording, same_category"})
    reason = fields.String(metadata={"description": "The same reasons in words, in the request's language"})


class SuggestIn(In):
    description = fields.String(load_default="", metadata={"description": "What the citizen wrote (at most 4000 characters)"})
    lat = fields.Raw(load_default=None, metadata={"description": "Latitude, WGS84: only categories handled there"})
    long = fields.Raw(load_default=None, metadata={"description": "Longitude, WGS84 (with lat)"})


class SuggestedCategoryOut(Schema):
    category = fields.String(metadata={"description": "Category (service) code"})
    name = fields.String()
    group = fields.String()
    confidence = fields.Float(metadata={"description": "Probability the description is of this category, 0-1"})


class SuggestOut(Schema):
    suggestions = fields.List(fields.Nested(SuggestedCategoryOut),
                              metadata={"description": "At most three, likeliest first; the citizen still chooses"})
    understood = fields.Boolean(metadata={"description": "False for an empty or unintelligible description: the "
                                                         "suggestions are then only what is common, at low confidence"})
    low_confidence = fields.Boolean(metadata={"description": "True when no suggestion reaches 0.5"})
    message = fields.String(metadata={"description": "What to tell the citizen, in the request's language"})
    model_version = fields.Integer(allow_none=True, metadata={"description": "The classifier version that answered"})


class SupportOut(Schema):
    supporters = fields.Integer()
    already_supporting = fields.Boolean()


class PhotoOut(Schema):
    url = fields.String()
    thumbnail_url = fields.String()


class HistoryOut(Schema):
    at = fields.DateTime()
    status = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "submitted, routed, status, note, handed_over, merged, or "
                                                  "citizen_update (a citizen's moderated update)"})
    note = fields.String()
    photo = fields.Nested(PhotoOut, allow_none=True, metadata={"description": "a citizen_update's photo"})


class ReportSummaryOut(ReportBriefOut):
    open311_status = fields.String()
    lat = fields.Float()
    long = fields.Float()
    address = fields.String(allow_none=True)
    department_name = fields.String(allow_none=True)
    verified = fields.Boolean()
    updated_at = fields.DateTime()
    photos = fields.List(fields.Nested(PhotoOut))


class ReportOut(ReportSummaryOut):
    history = fields.List(fields.Nested(HistoryOut))


class PageIn(In):
    page = Integer(load_default=1, minimum=1, maximum=100000)
    page_size = Integer(load_default=20, minimum=1, maximum=100)


class PageOut(Schema):
    page = fields.Integer()
    pages = fields.Integer()
    total = fields.Integer()


class ReportPageOut(PageOut):
    items = fields.List(fields.Nested(ReportSummaryOut))


class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    report_id = fields.Integer(allow_none=True)
    text = fields.String()
    created_at = fields.DateTime()
    state = fields.String()


class NotificationPageOut(PageOut):
    items = fields.List(fields.Nested(NotificationOut))
