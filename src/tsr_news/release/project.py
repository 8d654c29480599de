"""What a release says about the project that made it: names, repository, licence, citation.

The card (`card`) and the Croissant file (`croissant`) describe the same release to two
audiences; both take these facts from here, so they never disagree. The licence depends on
the release kind: a full release carries copyrighted article texts that no one may
redistribute (the Hub's `other`, with a name and a link that say so); a text-withheld release
carries only the project's annotations and metadata, under CC BY 4.0 (the code is MIT).
"""

from __future__ import annotations

from dataclasses import dataclass

from tsr_news import __version__

NAME = "tsr-news"
PRETTY_NAME = "Tech Self-Reliance News (tsr-news)"
DESCRIPTION = (
    "English news articles on technology self-reliance, export controls and sanctions between "
    "the US and China, with stand-off annotations: page noise, named entities (OntoNotes "
    "types), quotes with speaker attribution, and policy measures."
)
REPOSITORY = "https://github.com/tsr-news/tsr-news"
CONTACT = f"{REPOSITORY}/issues"  # the maintainers answer through the issue tracker
CREATOR = "The tsr-news project maintainers"
KEYWORDS = (
    "news",
    "export controls",
    "sanctions",
    "technology self-reliance",
    "named entity recognition",
    "quotation attribution",
    "policy measures",
)
# the card's `tags` (the Hub's convention: lowercase words joined by hyphens)
TAGS = ("news", "export-controls", "sanctions", "quotation-attribution", "policy")
LANGUAGE = "en"


@dataclass(frozen=True)
class Licence:
    """A release's licence as the Hub's card metadata and Croissant state it."""

    hub_id: str  # the card's `license`
    name: str | None  # `license_name`, for `other` only
    link: str  # `license_link` (card) and `license` (Croissant): where the terms are
    summary: str  # one paragraph for people


CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
DISTRIBUTION = f"{REPOSITORY}/blob/main/DATASHEET.md#distribution"


def licence(withheld: bool) -> Licence:
    """The licence of a full release (`withheld` False) or of a text-withheld one."""
    if withheld:
        return Licence(
            hub_id="cc-by-4.0",
            name=None,
            link=CC_BY_4,
            summary="The annotations and metadata are the tsr-news project's, under CC BY 4.0 "
            "(the article texts are not in this release); the tsr-news code is under the MIT "
            "licence.",
        )
    return Licence(
        hub_id="other",
        name="tsr-news-texts-not-redistributable",
        link=DISTRIBUTION,
        summary="Mixed rights; the texts may not be redistributed. The article texts are "
        "copyrighted news: the rights holders are named per document in the `rights` field, "
        "and the corpus holds no licence from any of them; they are included for "
        "non-commercial research on the text only, and this release must not be published. "
        "The annotations and metadata are the tsr-news project's, under CC BY 4.0; the code "
        "is under the MIT licence.",
    )


def bibtex() -> str:
    """The release's citation, in BibTeX (the card's Citation section and Croissant `citeAs`)."""
    return (
        f"@misc{{tsr_news_{__version__.replace('.', '_')},\n"
        f"  title = {{{{{PRETTY_NAME}}}: an annotated corpus of news on technology "
        "self-reliance, export controls and sanctions}},\n"
        f"  author = {{{{{CREATOR}}}}},\n"
        f"  version = {{{__version__}}},\n"
        f"  howpublished = {{\\url{{{REPOSITORY}}}}},\n"
        f"  note = {{Release {NAME}-{__version__}}}\n"
        "}"
    )
