"""The demo's store catalog: believable apps and books, with the quirks the console must show.

Each row: adamId, name, artist, platforms, device-assignable, free-and-unlimited, custom (B2B),
genre, version. Books have no platforms or version and are never revocable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    adam_id: str
    name: str
    artist: str
    platforms: tuple[str, ...] = ("iOS",)
    device_assignable: bool = True
    unlimited: bool = False
    custom: bool = False
    genre: str = "Education"
    version: str | None = "1.0"
    book: bool = False
    plus_twin: bool = False  # the organisation also owns the high-quality (PLUS) edition

    @property
    def kind(self) -> str:
        if self.book:
            return "epubBook"
        return "desktopApp" if self.platforms == ("macOS",) else "iosSoftware"


IOS, MAC, BOTH = ("iOS",), ("macOS",), ("iOS", "macOS")

APPS: list[Item] = [
    Item("1484000101", "Field Notes", "Northwind Labs", IOS, version="4.2.1"),
    Item("1484000102", "Math Sprint", "Fourth Coffee Learning", IOS, version="3.8"),
    Item("1484000103", "Chem Lab 3D", "Adatum Science", BOTH, version="2.5.0"),
    Item("1484000104", "Periodic Explorer", "Adatum Science", IOS, version="5.1"),
    Item("1484000105", "Story Builder", "Litware Kids", IOS, version="2.0.3"),
    Item("1484000106", "Code Garden", "Tailspin Studios", BOTH, version="7.4"),
    Item("1484000107", "Spanish Steps", "Lingo Labs", IOS, version="6.12"),
    Item("1484000108", "French Café", "Lingo Labs", IOS, version="6.12"),
    Item("1484000109", "Atlas of the World", "Margie's Maps", BOTH, version="2024.3"),
    Item("1484000110", "Graphing Pro", "Fourth Coffee Learning", BOTH, version="11.0.2"),
    Item("1484000111", "Classroom Timer", "Wide World Tools", IOS, unlimited=True,
         genre="Productivity", version="1.9"),
    Item("1484000112", "Quiz Arena", "Proseware", IOS, unlimited=True, version="8.3.1"),
    Item("1484000113", "Exam Lockdown", "Woodgrove Assessment", IOS, version="3.3"),
    Item("1484000114", "Sketch Studio", "Fabrikam Creative", IOS, device_assignable=False,
         genre="Graphics & Design", version="5.0"),
    Item("1484000115", "Music Maker Pro", "Fabrikam Creative", MAC, genre="Music",
         version="10.8.1"),
    Item("1484000116", "Film Cut", "Fabrikam Creative", MAC, genre="Photo & Video",
         version="10.7"),
    Item("1484000117", "Type Trainer", "Wide World Tools", MAC, version="4.0.2"),
    Item("1484000118", "Piano Coach", "Tailspin Studios", IOS, genre="Music", version="2.6"),
    Item("1484000119", "Rhythm Lab", "Tailspin Studios", BOTH, genre="Music", version="1.4"),
    Item("1484000120", "Star Chart", "Adatum Science", IOS, version="9.1"),
    Item("1484000121", "Anatomy 4D", "Adatum Science", IOS, genre="Medical", version="3.0.1"),
    Item("1484000122", "Read Along", "Litware Kids", IOS, version="12.2"),
    Item("1484000123", "Word Wizard", "Litware Kids", IOS, version="4.4"),
    Item("1484000124", "History Timeline", "Margie's Maps", BOTH, version="2.2"),
    Item("1484000125", "Budget Basics", "Woodgrove Bank", IOS, unlimited=True,
         genre="Finance", version="1.3"),
    Item("1484000126", "Class Poll", "Proseware", IOS, unlimited=True, version="5.5"),
    Item("1484000127", "Lab Notebook", "Adatum Science", BOTH, device_assignable=False,
         genre="Productivity", version="2.1"),
    Item("1484000128", "Contoso Campus", "Contoso Schools", IOS, custom=True, version="1.12"),
    Item("1484000129", "Contoso Library Kiosk", "Contoso Schools", IOS, custom=True,
         version="2.0"),
    Item("1484000130", "PDF Markup", "Wide World Tools", BOTH, genre="Productivity",
         version="6.0.4"),
    Item("1484000131", "Mind Map", "Proseware", BOTH, genre="Productivity", version="3.7"),
    Item("1484000132", "Geometry Pad", "Fourth Coffee Learning", IOS, version="4.9"),
    Item("1484000133", "Photo Lab", "Fabrikam Creative", MAC, genre="Photo & Video",
         version="8.2"),
    Item("1484000134", "Slide Remote", "Wide World Tools", IOS, genre="Productivity",
         version="2.3"),
    Item("1484000135", "Translate Now", "Lingo Labs", IOS, genre="Reference", version="3.2"),
    Item("1484000136", "Homework Planner", "Proseware", IOS, unlimited=True,
         genre="Productivity", version="7.0"),
    Item("1484000137", "Orchestra Tuner", "Tailspin Studios", IOS, genre="Music", version="1.8"),
    Item("1484000138", "Drum Kit", "Tailspin Studios", IOS, device_assignable=False,
         genre="Music", version="2.9"),
    Item("1484000139", "Score Writer", "Tailspin Studios", MAC, genre="Music", version="5.3"),
    Item("1484000140", "Science Journal", "Adatum Science", IOS, version="2.4.2"),
    Item("1484000141", "Coding Robots", "Tailspin Studios", IOS, version="3.1"),
    Item("1484000142", "Weather Station", "Margie's Maps", IOS, genre="Weather", version="6.6"),
]

BOOKS: list[Item] = [
    Item("1590000201", "The Young Scientist's Handbook", "R. Patel", book=True, version=None,
         genre="Science & Nature", plus_twin=True),
    Item("1590000202", "Algebra I Workbook", "M. Chen", book=True, version=None,
         genre="Mathematics"),
    Item("1590000203", "A Short History of Music", "L. Okafor", book=True, version=None,
         genre="Arts & Entertainment"),
    Item("1590000204", "World Atlas for Students", "Margie's Maps", book=True, version=None,
         genre="Reference", plus_twin=True),
    Item("1590000205", "Grammar Essentials", "J. Moreau", book=True, version=None,
         genre="Reference"),
    Item("1590000206", "Biology Illustrated", "S. Lindqvist", book=True, version=None,
         genre="Science & Nature"),
    Item("1590000207", "Poems for Every Day", "A. Ruiz", book=True, version=None,
         genre="Poetry"),
    Item("1590000208", "Introduction to Chemistry", "R. Patel", book=True, version=None,
         genre="Science & Nature"),
    Item("1590000209", "Shakespeare for Schools", "E. Hart", book=True, version=None,
         genre="Fiction & Literature"),
    Item("1590000210", "Digital Citizenship Guide", "Contoso Schools", book=True, version=None,
         genre="Computers & Internet"),
]

BY_NAME = {i.name: i for i in APPS + BOOKS}
# The French store does not carry these (the console must cope with missing metadata).
MISSING_IN_FR = {"Translate Now", "Budget Basics"}
FRENCH_NAMES = {"Atlas of the World": "Atlas du monde", "Math Sprint": "Sprint de maths"}
