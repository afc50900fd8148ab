"""Chinese names, ID numbers and mobile numbers for the demo, drawn from a seeded ``Random``.

Names follow the generations: a retiree is more likely a 建国 or a 秀英, a student a 浩然 or a
欣怡. ID numbers follow GB 11643-1999: region, birth date, a serial whose last digit is odd for
men and even for women, and the check code.
"""

from __future__ import annotations

import datetime as dt
import random
from enum import Enum

# The hundred most common surnames, most common first; drawn with weights falling by rank.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = [1 / (rank + 1) ** 0.8 for rank in range(len(SURNAMES))]


class Era(Enum):
    """When someone was born, which decides the given names in fashion."""

    ELDER = "elder"  # born before 1965: retirees
    MIDDLE = "middle"  # born 1965–1995: teachers and staff
    YOUNG = "young"  # born after 2000: students


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names in fashion in each generation, for men and women, separated by spaces.
GIVEN_NAMES: dict[tuple[Era, str], tuple[str, ...]] = {
    (Era.ELDER, "M"): _words(
        "建国 建华 国强 国庆 卫东 卫国 志明 志强 德胜 振华 "
        "保国 福生 文华 长林 明德 永康 树林 玉山 宝山 庆祥 "
        "学军 新民 光明 荣 忠 海 山 林 斌 和平"
    ),
    (Era.ELDER, "F"): _words(
        "秀英 桂英 玉兰 淑珍 凤英 秀兰 桂兰 玉珍 淑英 素芬 "
        "秀珍 凤兰 桂芳 玉梅 淑华 翠华 美华 兰英 金凤 素梅 "
        "红 华 英 芳 萍 琴 霞 珍 惠 敏"
    ),
    (Era.MIDDLE, "M"): _words(
        "伟 磊 勇 军 涛 斌 鹏 强 杰 超 "
        "刚 亮 峰 波 辉 健 明 飞 凯 宁 "
        "志刚 晓东 海涛 建军 国栋 永刚 立新 文博 俊峰 宏伟 "
        "振宇 建平 学文 长青 晓光 海波 春雷 洪涛 德明 立强"
    ),
    (Era.MIDDLE, "F"): _words(
        "静 丽 敏 艳 娜 燕 芳 霞 婷 慧 "
        "洁 琳 雪 倩 颖 莉 萍 蕾 晶 丹 "
        "红梅 海燕 晓燕 丽娟 秀梅 春燕 晓红 雪梅 丽华 美玲 "
        "晓丽 文静 玉洁 彩霞 凤霞 海霞 晓敏 亚楠 晓雯 婷婷"
    ),
    (Era.YOUNG, "M"): _words(
        "浩然 子轩 宇航 梓涵 俊杰 博文 子豪 浩宇 天宇 宇轩 "
        "铭泽 睿 皓轩 思远 嘉豪 一鸣 文轩 明哲 泽宇 晨阳 "
        "家豪 鑫 宇 昊 哲 航 子墨 逸飞 奕辰 志远 "
        "俊豪 天佑 书豪 鹏飞 锦程 瑞 振 承泽 景行 文昊"
    ),
    (Era.YOUNG, "F"): _words(
        "欣怡 雨涵 诗琪 佳怡 思雨 一诺 梦瑶 子涵 雨欣 可馨 "
        "语嫣 晨曦 紫涵 心怡 梓萱 诗涵 婧 悦 琪 萱 "
        "若汐 佳琪 思琪 雅琪 欣然 静怡 梦琪 雨桐 嘉怡 馨月 "
        "舒涵 艺 彤 雯 怡然 安琪 芷若 梦洁 慧敏 乐瑶"
    ),
}


def draw_name(rng: random.Random, gender: str, era: Era, taken: set[str]) -> str:
    """A name not in ``taken`` (which it joins): the demo keeps names unique for searching."""
    pool = GIVEN_NAMES[(era, gender)]
    while True:
        name = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0] + rng.choice(pool)
        if name not in taken:
            taken.add(name)
            return name


# County-level region codes: mostly Shandong (a vocational college recruits near home),
# a few from the neighbouring provinces for staff who came from elsewhere.
REGIONS_LOCAL = (
    "370102", "370112", "370202", "370212", "370303", "370502", "370602", "370611",
    "370681", "370683", "370685", "370687", "370702", "370781", "370786", "370802",
    "370902", "371002", "371082", "371102", "371302", "371321", "371402", "371502",
    "371602", "371702",
)  # fmt: skip
REGIONS_AWAY = ("320102", "410102", "130102", "340102", "210102", "140105", "220102", "120101")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"


def id_check_code(body: str) -> str:
    """GB 11643 check code for the first 17 digits."""
    return _CHECK_CODES[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def draw_id_number(rng: random.Random, birth: dt.date, gender: str, taken: set[str]) -> str:
    """A checksum-valid, unused ID number for someone born on ``birth``."""
    while True:
        regions = REGIONS_LOCAL if rng.random() < 0.85 else REGIONS_AWAY
        serial = rng.randrange(0, 100) * 10 + rng.choice(
            (1, 3, 5, 7, 9) if gender == "M" else (0, 2, 4, 6, 8)
        )
        body = f"{rng.choice(regions)}{birth:%Y%m%d}{serial:03d}"
        number = body + id_check_code(body)
        if number not in taken:
            taken.add(number)
            return number


_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "176", "177", "178", "180",
    "181", "182", "183", "185", "186", "187", "188", "189", "198", "199",
)  # fmt: skip


def draw_mobile(rng: random.Random, taken: set[str]) -> str:
    while True:
        number = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
        if number not in taken:
            taken.add(number)
            return number


def draw_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day from ``first`` to ``last`` inclusive (``first`` itself when the range is empty)."""
    span = (last - first).days
    return first + dt.timedelta(days=rng.randint(0, span) if span > 0 else 0)
