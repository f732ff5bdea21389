from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext


class ChosenLanguageMiddleware:
    """Simplified Chinese unless the user picked another language in the menu.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show a
    township office's English-language laptop an English portal; here only the language the
    user chose (the cookie set by the language switch) overrides the default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        # override() puts the thread's previous language back afterwards: a worker thread
        # (or a test) that translates outside a request is not left in this user's language.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class RefuseNulMiddleware:
    """A NUL character in a query string or form field is never legitimate: answer 400.

    PostgreSQL refuses NUL in text values, so a filter such as `?domain=%00` would otherwise
    reach the database and fail there with a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and _has_nul(request.POST)
        ):
            return HttpResponseBadRequest(
                gettext("请求中含有不允许的字符（NUL），已拒绝。"),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class PrivateFilesMiddleware:
    """Files and exports (report PDFs, evidence, plans, Excel workbooks) are personal data:
    no browser or proxy may keep a copy. Applies to every response that sends a file —
    streamed, an attachment, or handed to nginx with X-Accel-Redirect (nginx passes
    Cache-Control on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or "Content-Disposition" in response
            or "X-Accel-Redirect" in response
        ):
            response["Cache-Control"] = "private, no-store"
        return response


class DatabaseBusyMiddleware:
    """A write that still cannot get SQLite's lock after the busy timeout ("database is
    locked") is answered with a Chinese "请稍后重试" page, status 503, that carries the user's
    form fields back (a button posts them again), instead of a traceback and a lost form.

    The page is plain (no navigation): it must not need the database that is busy."""

    BUSY = ("database is locked", "database table is locked", "database is busy")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import OperationalError

        if not isinstance(exception, OperationalError):
            return None
        if not any(text in str(exception).lower() for text in self.BUSY):
            return None
        import logging

        from django.template.response import TemplateResponse

        logging.getLogger(__name__).warning("database busy on %s %s", request.method, request.path)
        fields = []
        if request.method == "POST":
            fields = [
                (name, value)
                for name, values in request.POST.lists()
                if name != "csrfmiddlewaretoken"
                for value in values
            ]
        response = TemplateResponse(
            request,
            "busy.html",
            {"fields": fields, "had_files": bool(request.FILES), "action": request.get_full_path()},
            status=503,
        )
        response["Retry-After"] = "5"
        return response.render()
