"""The Netlify build: one repository, two sites, told apart by HUBGEN_VARIANT.

The affiliate site fails closed: without credentials it produces nothing deployable, and it
never builds a deploy preview or branch deploy. Credentials live only in Netlify's
environment and in the published `_headers`, never in the repository.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml
from zxcvbn import zxcvbn

from hubgen.build import build
from hubgen.errors import HubError
from hubgen.headers import NOINDEX, headers_file, parse_headers_file, robots_txt, rule_text
from hubgen.project import VARIANTS, Project

PUBLISH = Path("site") / "netlify"
CREDENTIALS_VAR = "HUBGEN_BASIC_AUTH"
MIN_PASSWORD = 12
MAX_PASSWORD = 72  # what zxcvbn reads of a password (it refuses longer ones; its time grows with it)


def check_credentials(value: str | None, words: tuple[str, ...] = ()) -> list[str]:
    """The `user:password` pairs of HUBGEN_BASIC_AUTH, or a HubError saying what to set."""
    if not value or not value.strip():
        raise HubError(f"{CREDENTIALS_VAR} is not set: the affiliate site is never published without "
                       "access control. In Netlify, add the secret environment variable "
                       f"{CREDENTIALS_VAR} = 'user:password' (several pairs separated by spaces; "
                       f"passwords of at least {MIN_PASSWORD} characters).")
    pairs = value.split()
    for pair in pairs:
        user, _, password = pair.partition(":")
        if not user or len(password) < MIN_PASSWORD:
            raise HubError(f"{CREDENTIALS_VAR}: each entry must be user:password with a password of at "
                           f"least {MIN_PASSWORD} characters (entry for user `{user or '?'}` is not)")
        guessable = password_weakness(user, password, words)
        if guessable:
            raise HubError(f"{CREDENTIALS_VAR}: the password of user `{user}` {guessable}; choose one a "
                           "guess would not find (a passphrase of four or more random words, or a password "
                           "manager's)")
    return pairs


def password_weakness(user: str, password: str, words: tuple[str, ...] = ()) -> str | None:
    """Why a password long enough is still guessable, or None. zxcvbn (Dropbox's strength
    estimator) tries what guessers try: common passwords and their l33t spellings, names,
    words, keyboard runs, repeats, dates, and the user's own words (the user name, the hub's
    name and organisation: `words`). Below its top score, 4 ("very unguessable"), a password is
    refused: one password guards every confidential record."""
    result = zxcvbn(password[:MAX_PASSWORD], user_inputs=[user, *words, "affiliate", "affiliates", "hub"])
    if result["score"] >= 4:
        return None
    warning = result["feedback"]["warning"].rstrip(".")
    return "is easy to guess" + (f" ({warning[:1].lower()}{warning[1:]})" if warning else "")


def hub_words(project: Project) -> tuple[str, ...]:
    """The words of the hub's name and organisation (hub.yml), which a guess tries first."""
    try:
        settings = yaml.safe_load((project.content / "hub.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return ()
    if not isinstance(settings, dict):
        return ()
    texts = [settings.get(key) for key in ("title", "public_title", "organisation")]
    return tuple(word for text in texts if isinstance(text, str)
                 for word in (text, "".join(text.split()), *text.split()))


def netlify_build(project: Project, env: dict[str, str] | None = None) -> str:
    """Build the site this Netlify site is for into site/netlify/; returns a one-line summary."""
    env = dict(os.environ if env is None else env)
    publish = project.root / PUBLISH
    if publish.exists():  # nothing from an earlier run may be deployed by a refused one
        shutil.rmtree(publish)
    variant = env.get("HUBGEN_VARIANT", "public")
    if variant not in VARIANTS:
        raise HubError(f"HUBGEN_VARIANT must be public or affiliates, not `{variant}`")
    context = env.get("CONTEXT", "production")
    credentials: list[str] = []
    if variant == "affiliates":
        if context != "production":
            raise HubError(f"the affiliate site is built only for production, not for `{context}`: "
                           "deploy previews and branch deploys would publish it without review")
        credentials = check_credentials(env.get(CREDENTIALS_VAR), hub_words(project))
    build(project, (variant,))
    shutil.copytree(project.site_dir(variant), publish)
    rules = parse_headers_file((publish / "_headers").read_text(encoding="utf-8"))
    headers = rules.pop("/*")
    indexable = variant == "public" and context == "production"
    if not indexable and ("X-Robots-Tag", NOINDEX) not in headers:
        headers.append(("X-Robots-Tag", NOINDEX))
    if credentials:
        headers.append(("Basic-Auth", " ".join(credentials)))
    # the other rules (the web editor's, /admin/*) after it, each behind the same password
    others = "".join(rule_text(path, [*extra, *[h for h in headers if h[0] == "Basic-Auth"]])
                     for path, extra in rules.items())
    (publish / "_headers").write_text(headers_file(headers) + others, encoding="utf-8")
    site_url = env.get("HUBGEN_SITE_URL")
    (publish / "robots.txt").write_text(robots_txt(variant, site_url, indexable), encoding="utf-8")
    return f"{variant} site for Netlify ({context}) in {PUBLISH.as_posix()}/"
