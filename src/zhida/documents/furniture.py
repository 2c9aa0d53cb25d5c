"""The shapes of page furniture: lines that are print, page or web-site apparatus, not text.

Recognised by shape, not by one document's strings: gazette names, page numbers
(- 3 -, — 3 —, 第3页), web chrome (分享到, 【字体：大 中 小】, 打印本页, 无障碍, a site's
name), page meta (发布时间：… 来源：…), site footers (版权所有, ICP备, 公网安备), breadcrumbs,
print footers (抄送, 共印, …印发) and labelled header fields (索引号：… 发文机关：…, or
'1. [发文机构] …' in web copies). Header fields and page meta are metadata, so
``header_fields`` reads them back.
"""

from __future__ import annotations

import re

from zhida.documents.labels import find_label

_FURNITURE: list[tuple[str, re.Pattern[str]]] = [
    ("gazette", re.compile(r"(?!.*(关于|關於|的|统计|統計)).{2,24}(公报|公報)")),
    ("page_number", re.compile(r"[-—－–~·]*\s*(第\s*)?[0-9０-９]{1,4}\s*(页|頁)?\s*[-—－–~·]*")),
    ("page_number", re.compile(r"第\s*[0-9０-９]{1,4}\s*[页頁](\s*[/，,]?\s*共\s*[0-9]{1,4}\s*[页頁])?")),
    ("page_number", re.compile(r"[0-9]{1,4}\s*/\s*[0-9]{1,4}")),
    ("web_chrome", re.compile(r"(分享|字号|字號|分享到)\s*[:：].*")),
    ("web_chrome", re.compile(r"(相关政策|相關政策|相关链接|相關連結|相关文件|相關文件|打印本页|打印本頁|关闭窗口|關閉窗口|"
                              r"【?打印】?|【?关闭】?|【?關閉】?|返回顶部|返回頂部|扫一扫.{0,20}|掃一掃.{0,20}|"
                              r"[【\[]?[大中小][】\]]?\s*[【\[]?[大中小][】\]]?\s*[【\[]?[大中小][】\]]?)")),
    ("web_chrome", re.compile(r".*(您访问的链接即将离开|您訪問的連結即將離開).*")),
    ("breadcrumb", re.compile(r"[^>＞»\n]{1,20}(\s*[>＞»]\s*[^>＞»\n]{1,20}){2,}")),
    ("print", re.compile(r"抄\s*送\s*[:：].*")),
    ("print", re.compile(r"共印\s*[0-9０-９]+\s*份")),
    ("print", re.compile(r".{0,40}[0-9０-９〇○一二三四五六七八九十]{1,4}\s*年\s*[0-9０-９一二三四五六七八九十]{1,3}\s*月"
                         r"\s*[0-9０-９一二三四五六七八九十]{1,3}\s*日\s*(印发|印發)")),
    ("publication", re.compile(r"[（(]\s*此件(公开发布|公開發布|不公开|不公開|主动公开|主動公開)\s*[）)]")),
]

# Site chrome words; a line made only of them (and separators) is chrome.
_CHROME_WORD = (
    r"【?\s*(?:字体|字體|字号|字號)\s*[:：]?\s*[【\[]?[大中小][】\]]?\s*[【\[]?[大中小][】\]]?\s*[【\[]?[大中小]?[】\]]?\s*】?"
    r"|【?(?:打印本页|打印本頁|打印|关闭窗口|關閉窗口|关闭|關閉|返回顶部|返回頂部|收藏本页|收藏|我要纠错|纠错|"
    r"无障碍|無障礙|长者模式|長者模式|关怀版|關懷版|适老化|繁體|繁体|简体|簡體|English|登录|登錄|注册|註冊|搜索|"
    r"网站地图|網站地圖|联系我们|聯繫我們|使用帮助|手机版|手機版|微信|微博|政务微博|政务微信|首页|首頁)】?"
    r"|(?:欢迎访问|歡迎訪問|欢迎来到|歡迎來到)?[^\s，。；,;]{0,24}(?:门户网站|門戶網站|政府网站|政府網站|人民政府网|人民政府網)"
)
_CHROME_LINE = re.compile(rf"(?:(?:{_CHROME_WORD})[\s|｜/·•]*)+")
# Page meta printed above an article: 发布时间：… 来源：… 浏览次数：… (with chrome words mixed in)
_META_KEY = r"发布时间|發佈時間|发布日期|發佈日期|来源|來源|信息来源|資訊來源|浏览次数|瀏覽次數|点击数|點擊數|阅读次数|閱讀次數|访问量|作者|责任编辑|責任編輯|编辑|編輯"
_META_LINE = re.compile(rf"(?:(?:(?:{_META_KEY})\s*[:：]\s*[^\s：:]*(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?|{_CHROME_WORD})[\s|｜/·•]*)+")
_META_PAIR = re.compile(rf"({_META_KEY})\s*[:：]\s*([^\s：:]*(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?)")
# Site footers: ownership, registration and hosting lines.
_FOOTER = re.compile(
    r".*(版权所有|版權所有|Copyright|©|ICP备|ICP備|ICP证|公网安备|公網安備|网站标识码|網站標識碼).*"
    r"|(?:主办|主辦|承办|承辦|技术支持|技術支持|主办单位|主辦單位|承办单位|承辦單位)\s*[:：].*"
)

# Labelled fields of an information-disclosure table (信息公开): key：value, several a line.
HEADER_KEYS = (
    "索引号", "主题分类", "主题词", "体裁分类", "组配分类", "服务对象分类", "发文机关", "发文机构", "发布机构",
    "联合发文单位", "成文日期", "发布日期", "实施日期", "废止日期", "文号", "发文字号", "标题", "有效性", "时效",
    "文件来源", "公开方式", "公开范围",
)  # fmt: skip
_TRADITIONAL_KEYS = {"索引號": "索引号", "主題分類": "主题分类", "發文機關": "发文机关", "發文機構": "发文机构",
                     "發佈機構": "发布机构", "發佈日期": "发布日期", "實施日期": "实施日期", "廢止日期": "废止日期",
                     "文號": "文号", "發文字號": "发文字号", "標題": "标题", "有效性": "有效性"}  # fmt: skip
_SPACED = r"[ \u3000]*"
_KEY = "|".join(_SPACED.join(key) for key in (*HEADER_KEYS, *_TRADITIONAL_KEYS))
_FIELD = re.compile(rf"(?P<key>{_KEY})\s*[:：]\s*(?P<value>.*?)\s*(?=(?:{_KEY})\s*[:：]|$)")
_FIELD_LINE = re.compile(rf"(?:(?:{_KEY})\s*[:：].*?)+")
# web copies list header fields as '1. [发文机构] 北京市…'
HEADER_FIELD = re.compile(r"[0-9]{1,2}\s*[.．、]\s*[\[【]([^\]】]{1,20})[\]】]\s*(.*)")


def furniture_kind(line: str) -> str | None:
    """The kind of page furniture a stripped line is, or None for content."""
    for kind, pattern in _FURNITURE:
        if pattern.fullmatch(line):
            return kind
    if find_label(line):
        return None  # '四、依托政府门户网站' is a clause, whatever words it ends with
    if _CHROME_LINE.fullmatch(line):
        return "web_chrome"
    if _META_LINE.fullmatch(line) and _META_PAIR.search(line):
        return "web_meta"
    if len(line) <= 160 and "。" not in line and _FOOTER.fullmatch(line):
        return "web_footer"
    if _FIELD_LINE.fullmatch(line) and _FIELD.match(line):
        return "header_field"
    return None


def header_fields(line: str) -> list[tuple[str, str]]:
    """(key, value) pairs of a header-field or page-meta line; keys without inner spaces."""
    m = HEADER_FIELD.fullmatch(line)
    if m:
        return [(m.group(1).strip(), " ".join(m.group(2).split()))]
    pairs = [(m.group("key"), m.group("value")) for m in _FIELD.finditer(line)] if _FIELD_LINE.fullmatch(line) else []
    if not pairs:
        pairs = [(m.group(1), m.group(2)) for m in _META_PAIR.finditer(line)]
    out = []
    for key, value in pairs:
        key = re.sub(r"\s+", "", key)
        out.append((_TRADITIONAL_KEYS.get(key, key), " ".join(value.split())))
    return out
