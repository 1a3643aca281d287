"""Where a Chinese name starts: break words, clause openers, and a trie pattern for word lists.

Shared by the organisation, place and people finders (orgs.py, places.py, people.py) and the
lexicon, which all depend on it and on nothing else of the extraction.
"""

from __future__ import annotations

import re

CJK = r"\u4e00-\u9fff"
_CJK_CHAR = re.compile(f"[{CJK}]")

# Words that cannot be inside an organisation name: a name starts after the nearest one.
BREAKS = (
    "另有 另外 此外 还有 引进 关于 有关 推动 推广 支持 协助 助力 我们 他们 当地 园区公司 园区企业 科学园区公司 "
    "与 和 及 、 ， 。 ： ； 「 」 “ ” 《 》 （ ） 由 的 了 在 于 旗下 率领 拜会 拜访 访问 到访 回访 参观 包括 亦 "
    "是 为 向 把 将 到 着 各大 各界 两地 "
    "等 并 签署 签订 联同 携手 透过 通过 加入 牵头建设 建设 成立 代表 期间 同时 以及 更 今年 去年 明年 上月 本月 今日 "
    "昨日 同日 近日 管理层 三间 两间 多间 多家 一家 其 下属 隶属于 属下 会见 会晤 接见 接待 会面 表示 指出 认为 出席 "
    "见证 主持 其中 介绍 邀请 举行 获 及其 联系 窗口 随 则 取得 获得 代理 对 同 赴 来自 位于 前往 抵达 考察 就 与其 "
    "即场 现场 分别 共同 联合 合办 主办 协办 承办 首站 设立 建立 开设 落户 共建 组建 打造 不少 部分 企业 "
    "子公司 附属公司 "
    "一月 二月 三月 四月 五月 六月 七月 八月 九月 十月 十一月 十二月"
).split()
# Department names with a conjunction inside (发展和改革委员会): the conjunction does not break them.
AND_NAMES = (
    "对外贸易",
    "对外经济",
    "对外友好",
    "对外交流",
    "发展和改革",
    "工业和信息化",
    "住房和城乡建设",
    "人力资源和社会保障",
    "文化和旅游",
    "教育和科技",
    "科学技术和工业",
    "民族和宗教",
    "海洋和渔业",
    "商务和投资",
    "科技和工业",
    "创新科技及工业",
    "商务及经济发展",
    "发展及改革",
)


_BREAKS_BY_LAST: dict[str, list[str]] = {}
for _word in BREAKS:
    if len(_word) > 1 or _CJK_CHAR.match(_word):
        _BREAKS_BY_LAST.setdefault(_word[-1], []).append(_word)


def left_boundary(folded: str, end: int, limit: int = 40) -> tuple[int, str]:
    """Start of a name ending at ``end`` and why it starts there: "hard" after punctuation, a line start or
    a non-Chinese character, "word" after a break word, "limit" when nothing stopped it."""
    start = max(0, end - limit)
    for i in range(end - 1, start - 1, -1):
        ch = folded[i]
        if not ("\u4e00" <= ch <= "\u9fff"):
            return i + 1, "hard"
        for word in _BREAKS_BY_LAST.get(ch, ()):
            w0 = i - len(word) + 1
            if w0 >= start and folded.startswith(word, w0):
                return i + 1, "word"
    return start, ("hard" if start == 0 else "limit")


# Words that open a clause before a name (他感谢山东省政府, 指特区政府, 听取该局): never its first word.
_LEADING = re.compile(
    "(?:他们|她们|我们|他|她|它|其|该|此|指|称|据|时任|现任|前任|到|号|感谢|感激|欢迎|祝贺|恭喜|听取|陪同|宣布|强调|希望|期待|参加|参与|"
    "鼓励|邀请|协助|带领|组织|安排|促成|推动|支持|入住|下榻|抵达|前往|感谢了|会见了|拜会了|拜访了|访问了|考察了|参观了|了|并|又|亦|也|还|都|"
    "兼)"
)


def strip_leading(folded: str, start: int, end: int) -> int:
    """``start`` moved past the clause-opening words, as long as two characters are left (听取该局 -> 该局)."""
    m = _LEADING.match(folded, start, end)
    while m and end - m.end() >= 2:
        start = m.end()
        m = _LEADING.match(folded, start, end)
    return start


def trie_pattern(words) -> str:
    """A regular expression matching any of ``words``, longest first where one begins another, written as a
    trie (共同前缀 shared) so that matching costs the length of a name, not the number of names."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return walk(trie)
