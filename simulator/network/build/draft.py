"""One capture being planned: the scenario instance, the random stream every step draws from in a fixed
order, the LAN and the address book, the sessions planned so far and what the answer key will need."""

from __future__ import annotations

from faker import Faker

from stalkerlab.simulator.instance import ScenarioInstance, derived_rng
from stalkerlab.simulator.network.build.addresses import AddressBook, make_lan
from stalkerlab.simulator.network.build.facts import TrafficFacts
from stalkerlab.simulator.network.plan import Exchange, Session


class Draft:
    def __init__(self, inst: ScenarioInstance, indicator_ips: set[str]):
        self.inst = inst
        self.scenario = inst.scenario
        self.rng = derived_rng(inst.seed, "traffic")
        self.fake = Faker(self.scenario.locale)           # the contents of clear-text uploads
        self.fake.seed_instance(derived_rng(inst.seed, "payloads").getrandbits(32))
        self.lan = make_lan(self.scenario.network, inst.persona.hostname, self.rng)
        self.book = AddressBook(self.rng)
        # Addresses that are indicators of any family must never be handed to another server by chance:
        # a benign phone would then "contact" a C2 address.
        for address in sorted(indicator_ips):
            self.book.reserve(address)
        self.sessions: list[Session] = []
        self.facts = TrafficFacts()
        self.dns_expiry: dict[str, float] = {}            # name -> when the phone's cached answer expires
        self.dot_lookups: list[Exchange] = []             # lookups that went to the Private DNS resolver
        self.doh_lookups: list[Exchange] = []             # the browser's lookups over HTTPS
        self.dot_session: tuple[str, float] | None = None  # (resolver address, when its connection starts)
        self.push_wakeups: list[float] = []               # push messages that wake a family's app
        self.next_port = self.rng.randrange(34000, 52000)
        self.c2_names: set[str] = set()
        self.tags_used: set[str] = set()
        self.start = inst.start + 0.2
        self.end = inst.end

    def port(self) -> int:
        """The phone's next ephemeral source port."""
        self.next_port += self.rng.randint(1, 7)
        if self.next_port > 60999:
            self.next_port = 32768 + self.rng.randrange(1000)
        return self.next_port

    def rtt(self, suspect: bool = False) -> float:
        """A round-trip time: far-away C2 servers answer slower than CDNs."""
        return round(self.rng.uniform(0.06, 0.18) if suspect else self.rng.uniform(0.012, 0.06), 4)

    def size(self, bounds: tuple[float, float]) -> int:
        return int(self.rng.uniform(*bounds))

    def tag(self, tag: str, meaning: str) -> str:
        """Name a key event for the answer key (the writer reports its packet number)."""
        self.facts.tags.setdefault(tag, meaning)
        return tag

    def first_time(self, key: str) -> bool:
        """True the first time `key` is asked about (the first DNS query of a C2 name, its first connection)."""
        if key in self.tags_used:
            return False
        self.tags_used.add(key)
        return True
