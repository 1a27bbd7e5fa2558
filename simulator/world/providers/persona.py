"""A Faker provider for the person and the phone: fictional names, real-looking Android models.

Data as tuples, behaviour as small methods, all randomness through the Faker instance's seeded generator
(Faker's own provider pattern), so a seed always gives the same persona.
"""

from __future__ import annotations

from dataclasses import dataclass

from faker import Faker
from faker.providers import BaseProvider


@dataclass(frozen=True)
class Persona:
    full_name: str
    first_name: str
    manufacturer: str
    model: str                 # marketing name, "Galaxy A54 5G"
    model_code: str            # ro.product.model, "SM-A546B"
    device: str                # ro.product.device, "a54x"
    android_version: int
    sdk: int
    security_patch: str        # "2026-02-01"
    build_id: str
    hostname: str              # DHCP hostname and ro.product name shown on the Wi-Fi
    serial: str
    locale: str
    timezone: str


# (manufacturer, marketing name, ro.product.model, ro.product.device, hostname stem)
PHONE_MODELS = (
    ("samsung", "Galaxy A54 5G", "SM-A546B", "a54x", "Galaxy-A54-5G"),
    ("samsung", "Galaxy S23", "SM-S911B", "dm1q", "Galaxy-S23"),
    ("samsung", "Galaxy A15", "SM-A155F", "a15", "Galaxy-A15"),
    ("Google", "Pixel 7a", "Pixel 7a", "lynx", "Pixel-7a"),
    ("Google", "Pixel 8", "Pixel 8", "shiba", "Pixel-8"),
    ("Xiaomi", "Redmi Note 13", "23129RAA4G", "sapphire", "Redmi-Note-13"),
    ("motorola", "moto g54 5G", "moto g54 5G", "cancunf", "moto-g54-5G"),
)
# Android release -> (SDK level, build id prefix)
ANDROID_RELEASES = {12: (31, "SP1A"), 13: (33, "TP1A"), 14: (34, "UP1A"), 15: (35, "AP3A")}
TIMEZONES = {"en_GB": "Europe/London", "fr_FR": "Europe/Paris", "de_DE": "Europe/Berlin",
             "en_US": "America/New_York", "es_ES": "Europe/Madrid", "it_IT": "Europe/Rome"}


class PersonaProvider(BaseProvider):
    def phone_model(self) -> tuple[str, str, str, str, str]:
        return self.random_element(PHONE_MODELS)

    def android_release(self) -> int:
        return self.random_element((13, 14, 14, 15))

    def security_patch(self, release: int) -> str:
        year = 2023 + (release - 13) + self.random_int(0, 1)
        month = self.random_int(1, 12)
        return f"{min(year, 2026)}-{month:02d}-01"

    def android_serial(self) -> str:
        return self.bothify("R5C?#?##??#", letters="ABCDEFGHJKLMNPRSTVWXYZ")


def make_persona(seed: int, locale: str, android_version: int | None) -> Persona:
    fake = Faker(locale)
    fake.seed_instance(seed)
    fake.add_provider(PersonaProvider)
    first = fake.first_name()
    last = fake.last_name()
    manufacturer, model, code, device, stem = fake.phone_model()
    release = android_version or fake.android_release()
    sdk, build_prefix = ANDROID_RELEASES.get(release, (34, "UP1A"))
    build_id = f"{build_prefix}.{fake.random_int(230101, 251231)}.{fake.random_int(1, 99):03d}"
    # Android's default DHCP hostname is the device name; people often rename it "Marie's phone".
    hostname = fake.random_element((stem, f"{stem}-de-{first}" if locale.startswith("fr") else f"{first}s-{stem}"))
    return Persona(
        full_name=f"{first} {last}",
        first_name=first,
        manufacturer=manufacturer,
        model=model,
        model_code=code,
        device=device,
        android_version=release,
        sdk=sdk,
        security_patch=fake.security_patch(release),
        build_id=build_id,
        hostname="".join(ch if ch.isalnum() or ch == "-" else "-" for ch in hostname)[:32],
        serial=fake.android_serial(),
        locale=locale,
        timezone=TIMEZONES.get(locale, "Europe/London"),
    )
