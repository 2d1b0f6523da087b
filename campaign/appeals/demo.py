"""The demo appeal: the Media Action Platform of Kyrgyzstan's appeal of 2025-05-30 about
pressure on Kloop, as it was issued (tests/fixtures/media-action-platform-appeal.txt is the
source). The body (data/demo_appeal.md) is the whole statement in the source's order: the
paragraphs, the lead-in, the demands as the source lists them and the closing quotation, so
the page and the letters to the authorities read as the coalition wrote it; the demands below
are the same items as the appeal's tracked Demand rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from campaign.appeals.issuers import IssuerInput
from campaign.appeals.models import Appeal
from campaign.appeals.queries import get_appeal_by_slug
from campaign.appeals.services import DemandInput, TargetInput, create_appeal, publish_appeal
from campaign.appeals.translations import get_translation, save_translation
from campaign.authorities.queries import get_authority_by_slug
from campaign.authorities.services import create_authority
from campaign.core.limits import APPEAL_BODY_MAX
from campaign.core.markdown_fields import Rendered, render
from campaign.core.progress import Advance, nothing
from campaign.endorsements.organizations import get_or_create_organization

DEMO_SLUG = "stop-the-pressure-on-kloop"
ISSUED_ON = dt.date(2025, 5, 30)
SCNS = "state-committee-for-national-security"
AUTHORITIES = "authorities-of-the-kyrgyz-republic"

#: The source's demands, each with the authorities we address it to. The source addresses
#: "the country's authorities" as a whole: the split is our reading (NOTE says so to campaigners).
DEMANDS = (
    (
        "To immediately stop pressuring Kloop and its employees, ensure compliance with their "
        "rights and freedoms guaranteed by the Constitution and international treaties;",
        (SCNS, AUTHORITIES),
    ),
    (
        "To ensure access of lawyers to detainees, provide information on the grounds for "
        "detention and the progress of investigative actions;",
        (SCNS,),
    ),
    (
        "To stop the practice of «preventive conversations», which are used as a tool to "
        "pressure journalists and violate the principles of the rule of law;",
        (SCNS, AUTHORITIES),
    ),
    (
        "To guarantee the safety and independence of journalists, create conditions for a "
        "free and objective work of the media in Kyrgyzstan.",
        (AUTHORITIES,),
    ),
)


#: The campaigners' note (Appeal.admin_note): what in the demo is ours, not the source's.
NOTE = (
    "The source addresses its demands to “the country’s authorities” as a whole. Addressing "
    "demands 1–3 to the State Committee for National Security and demands 1, 3 and 4 to the "
    "authorities of the Kyrgyz Republic is our reading, so that each can be tracked; the "
    "coalition did not split them. The Russian and Kyrgyz texts are our translations."
)


#: The appeal's text in the site's other languages: title, summary, demands in order
#: (the body is data/demo_appeal.<lang>.md).
TRANSLATIONS = {
    "ru": (
        "Прекратить давление на Kloop и его сотрудников",
        "28–29 мая 2025 года Государственный комитет национальной безопасности провёл обыски "
        "у нынешних и бывших сотрудников Kloop и задержал их. Платформа медиадействий "
        "Кыргызстана призывает власти страны уважать права журналистов.",
        (
            "Немедленно прекратить давление на Kloop и его сотрудников, обеспечить соблюдение "
            "их прав и свобод, гарантированных Конституцией и международными договорами;",
            "Обеспечить доступ адвокатов к задержанным, предоставить информацию об основаниях "
            "задержания и ходе следственных действий;",
            "Прекратить практику «профилактических бесед», которые используются как инструмент "
            "давления на журналистов и нарушают принципы верховенства права;",
            "Гарантировать безопасность и независимость журналистов, создать условия для "
            "свободной и объективной работы СМИ в Кыргызстане.",
        ),
    ),
    "ky": (
        "Kloop жана анын кызматкерлерине кысымды токтоткула",
        "2025-жылдын 28–29-майында Улуттук коопсуздук мамлекеттик комитети Kloopтун "
        "учурдагы жана мурдагы кызматкерлеринин үйлөрүн тинтип, аларды кармады. "
        "Кыргызстандын Медиа аракет платформасы өлкө бийлигин журналисттердин укуктарын "
        "урматтоого чакырат.",
        (
            "Kloop жана анын кызматкерлерине кысым көрсөтүүнү дароо токтотуу, алардын "
            "Конституция жана эл аралык келишимдер менен кепилденген укуктары менен "
            "эркиндиктеринин сакталышын камсыз кылуу;",
            "Адвокаттардын кармалгандарга жолугушуусун камсыз кылуу, кармоонун негиздери жана "
            "тергөө аракеттеринин жүрүшү тууралуу маалымат берүү;",
            "Журналисттерге кысым көрсөтүүнүн куралы катары колдонулуп, мыйзам үстөмдүгүнүн "
            "принциптерин бузган «профилактикалык маектердин» практикасын токтотуу;",
            "Журналисттердин коопсуздугун жана көз карандысыздыгын кепилдөө, Кыргызстанда "
            "маалымат каражаттарынын эркин жана объективдүү иштеши үчүн шарттарды түзүү.",
        ),
    ),
}


def demo_steps() -> int:
    """The steps `load_demo` reports: each language's body rendered, then the appeal, its
    translations and its names."""
    return 1 + len(TRANSLATIONS) + 3


def _bodies(advance: Advance) -> dict[str, Rendered]:
    """The demo's body in each language (data/demo_appeal[.<lang>].md), rendered before
    anything is written."""
    data = Path(__file__).parent / "data"
    names = {"en": "demo_appeal.md", **{lang: f"demo_appeal.{lang}.md" for lang in TRANSLATIONS}}
    bodies = {}
    for lang, name in names.items():
        text = (data / name).read_text(encoding="utf-8")
        bodies[lang] = render(text, field="body", max_length=APPEAL_BODY_MAX)
        advance(1)
    return bodies


def _add_translations(appeal: Appeal, bodies: dict[str, Rendered]) -> None:
    """Add the demo's translations that are missing (demands matched by position)."""
    for language, (title, summary, demands) in TRANSLATIONS.items():
        if get_translation(appeal, language) is not None or len(appeal.demands) != len(demands):
            continue
        save_translation(
            None,
            appeal,
            language,
            title=title,
            summary=summary,
            body=bodies[language],
            demands={d.id: text for d, text in zip(appeal.demands, demands, strict=True)},
        )


def _authority(slug: str, **fields):
    return get_authority_by_slug(slug) or create_authority(None, slug=slug, **fields)


#: The demo's names in Russian and Kyrgyz (campaign.names), and how it names Kyrgyzstan.
NAMES = {
    SCNS: {
        "ru": "Государственный комитет национальной безопасности Кыргызской Республики",
        "ky": "Кыргыз Республикасынын Улуттук коопсуздук мамлекеттик комитети",
    },
    AUTHORITIES: {
        "ru": "Власти Кыргызской Республики",
        "ky": "Кыргыз Республикасынын бийлиги",
    },
}
ISSUER_NAMES = {
    "ru": "Платформа медиадействий Кыргызстана",
    "ky": "Кыргызстандын Медиа аракет платформасы",
}
COUNTRY_NAMES = {("KG", "ru"): "Кыргызстан", ("KG", "ky"): "Кыргызстан"}


def _add_names(appeal: Appeal) -> None:
    """Names in other languages, the default country, Kyrgyzstan's name and the campaigners'
    note, where missing."""
    from campaign.names.services import set_country_name

    for target in (t for d in appeal.demands for t in d.targets):
        if not target.authority.names and target.authority.slug in NAMES:
            target.authority.names = dict(NAMES[target.authority.slug])
    if appeal.issued_by is not None and not appeal.issued_by.names:
        appeal.issued_by.names = dict(ISSUER_NAMES)
    if appeal.default_country is None:
        appeal.default_country = "KG"
    if not appeal.admin_note:
        appeal.admin_note = NOTE
    from campaign.names.localize import country_overrides

    for (country, language), name in COUNTRY_NAMES.items():
        if country not in country_overrides(language):
            set_country_name(None, country, language, name)


def load_demo(advance: Advance = nothing) -> tuple[Appeal, bool]:
    """Create the demo appeal unless it exists. Returns (appeal, created); `advance(1)`
    hears of each of the `demo_steps()`."""
    bodies = _bodies(advance)
    existing = get_appeal_by_slug(DEMO_SLUG)
    advance(1)
    if existing is not None:
        _add_translations(existing, bodies)
        advance(1)
        _add_names(existing)
        advance(1)
        return existing, False
    authorities = {
        SCNS: _authority(
            SCNS,
            name="State Committee for National Security of the Kyrgyz Republic",
            kind="security_service",
            country="KG",
            website="https://gknb.gov.kg",
        ),
        AUTHORITIES: _authority(
            AUTHORITIES,
            name="Authorities of the Kyrgyz Republic",
            kind="government",
            country="KG",
            website="https://www.gov.kg",
        ),
    }
    platform = get_or_create_organization(
        "Media Action Platform of Kyrgyzstan", kind="association", country="KG"
    )
    appeal = create_appeal(
        None,
        slug=DEMO_SLUG,
        # The source stresses that employees who are not journalists were detained too.
        title="Stop the pressure on Kloop and its employees",
        summary=(
            "On 28–29 May 2025 the State Committee for National Security searched the homes of "
            "current and former Kloop employees and detained them. The Media Action Platform of "
            "Kyrgyzstan calls on the country’s authorities to respect the rights of journalists."
        ),
        body=bodies["en"],
        language="en",
        # The source sets no goal; it gives a date and no time.
        signature_goal=None,
        issued_on=ISSUED_ON,
        issuers=[IssuerInput(platform)],
        timezone="Asia/Bishkek",
        # Its signers protest security officers summoning people: they must not be named.
        protection="at_risk",
        admin_note=NOTE,
        demands=[
            DemandInput(text, [TargetInput(authorities[slug]) for slug in targets])
            for text, targets in DEMANDS
        ],
    )
    # Published on the day it was issued: the date's midnight UTC, as the timeline places
    # events known only by their date; pages show the date of publication, never its time.
    publish_appeal(None, appeal, at=dt.datetime.combine(ISSUED_ON, dt.time(0), tzinfo=dt.UTC))
    _add_translations(appeal, bodies)
    advance(1)
    _add_names(appeal)
    advance(1)
    return appeal, True
