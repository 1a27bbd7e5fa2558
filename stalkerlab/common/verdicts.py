"""The verdict vocabulary and its wording, defined once: the simulator's answer keys, the detector's verdict,
its report and the course all use these words. Plain language for the person whose phone it is comes first.

A verdict is never "clean": no indicators is not proof of absence.
"""

VERDICTS = ("stalkerware", "stalkerware-suspected", "watchware", "no-indicators", "inconclusive")

# The one-line summary of report.json (`verdict_text`) and of the terminal.
VERDICT_WORDS = {
    "stalkerware": "Signs of stalkerware were found on this phone.",
    "stalkerware-suspected": "This phone shows signs that look like stalkerware, but no known app was identified.",
    "watchware": "A monitoring app that does not hide itself (for example parental control) was found.",
    "no-indicators": "We found no known signs of stalkerware. This is not proof that the phone is free of "
                     "monitoring.",
    "inconclusive": "We could not check this phone properly, so we cannot say either way.",
}

# What the verdict means, and what it does not mean, in the report's plain summary.
MEANS = {
    "stalkerware": "An app that is known to be used to secretly watch people was found on this phone, or the "
                   "phone was in touch with a server that such an app uses. Whoever set it up may be able to see "
                   "messages, photos, calls or where the phone is.",
    "stalkerware-suspected": "Something on this phone behaves the way secret monitoring apps behave, for example "
                             "sending data out right after the phone was used. We could not match it to an app we "
                             "know.",
    "watchware": "A monitoring app that is sold openly (for example for parental control) is on this phone. Such "
                 "apps can show someone else the phone's location, messages or activity.",
    "no-indicators": "The checks we ran found none of the signs of stalkerware that we know about, in what we "
                     "were able to look at.",
    "inconclusive": "We could not see enough to give an answer. This is about the limits of the check, not "
                    "about you or your phone.",
}
DOES_NOT_MEAN = {
    "stalkerware": "It does not mean you did anything wrong, and it does not show by itself who set it up. Nothing "
                   "on the phone was changed by this check.",
    "stalkerware-suspected": "It does not prove that someone is watching you: some ordinary apps behave in a "
                             "similar way. An investigator can look at the details in the technical part.",
    "watchware": "It does not mean it was installed without consent: it may have been set up openly. It can "
                 "still be misused to follow an adult without their knowledge.",
    "no-indicators": "It is not proof that the phone is free of monitoring. A new or unknown app, a short "
                     "recording, or being followed through shared accounts (cloud backups, location sharing, a "
                     "password someone knows) would not show up here. If you still feel watched, that feeling "
                     "matters: talk it through with a support worker.",
    "inconclusive": "It does not mean the phone is safe, and it does not mean it is monitored. The check can be "
                    "repeated, for example with a longer recording while the phone is in use, or with a VPN or Private "
                    "DNS switched off.",
}
