"""Extension objects, created unbound; create_app() binds them.

Flask-Migrate is not here: importing it loads Alembic (with Mako and Pygments) into every
process, and only the `flask db` commands and the suite migrate. create_app() builds it
when needed (campaign.register_migrations). Nor is Flask-Mail: only the outbox worker sends
mail, and it binds Flask-Mail itself (campaign.mail.worker)."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from campaign.core import ratelimit_storage  # noqa: F401  (registers answerable-memory://)
from campaign.core.database import Base
from campaign.core.net import client_address

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
cache = Cache()
# Limits are declared per route; storage comes from RATELIMIT_STORAGE_URI (memory or Redis).
limiter = Limiter(key_func=client_address, default_limits=[])


class AnswerableApi(Api):
    """flask-smorest without its app-wide JSON error handler: errors are rendered by
    campaign.core.errors (HTML pages, and the JSON envelope under /api/). Its ERROR_SCHEMA,
    that envelope, is set when the API is registered (campaign.api.register_api)."""

    def _register_error_handlers(self):
        pass


api = AnswerableApi()
