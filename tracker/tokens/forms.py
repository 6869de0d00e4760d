from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Give the token a name, such as the script that will use it.")),
            Length(max=80),
        ],
        description=_l("What will use it, e.g. “nightly import script”."),
    )
