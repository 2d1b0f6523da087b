from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from campaign.core import limits
from campaign.core.forms import Form, max_length


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), max_length(limits.EMAIL)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), max_length(limits.PASSWORD)]
    )
