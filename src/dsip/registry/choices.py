"""Choices of the person record; English msgids, Chinese labels come from the zh_Hans catalogue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class DisabilityCategory(models.TextChoices):
    VISUAL = "1", _("Visual")
    HEARING = "2", _("Hearing")
    SPEECH = "3", _("Speech")
    PHYSICAL = "4", _("Physical")
    INTELLECTUAL = "5", _("Intellectual")
    MENTAL = "6", _("Mental")
    MULTIPLE = "7", _("Multiple")


class DisabilityLevel(models.TextChoices):
    ONE = "1", _("Level 1")
    TWO = "2", _("Level 2")
    THREE = "3", _("Level 3")
    FOUR = "4", _("Level 4")


class HouseholdType(models.TextChoices):
    AGRICULTURAL = "A", _("Agricultural")
    NON_AGRICULTURAL = "N", _("Non-agricultural")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "10", _("Unmarried")
    MARRIED = "20", _("Married")
    WIDOWED = "30", _("Widowed")
    DIVORCED = "40", _("Divorced")


class EducationLevel(models.TextChoices):
    NONE = "0", _("No schooling")
    PRIMARY = "1", _("Primary")
    JUNIOR = "2", _("Junior secondary")
    SENIOR = "3", _("Senior secondary")
    COLLEGE = "4", _("College")
    BACHELOR = "5", _("Bachelor or above")


class PersonStatus(models.TextChoices):
    # "Active" alone is also an API key state (有效); a person on the register is 在册.
    ACTIVE = "active", pgettext_lazy("person status", "Active")
    DECEASED = "deceased", _("Deceased")
    MOVED_OUT = "moved_out", _("Moved out of the province")
    CERT_CANCELLED = "cert_cancelled", _("Certificate cancelled")
    MERGED = "merged", _("Merged into another record")


class VersionSource(models.TextChoices):
    ENTRY = "entry", _("Entry")
    IMPORT = "import", _("Import")
    REVIEW = "review", _("Review")
    FEED = "feed", _("Department feed")
    MERGE = "merge", _("Merge")
    SEED = "seed", _("Synthetic data")
    KEYS = "keys", _("Key rotation")


# GB/T 3304 ethnic group codes: the 56 groups, 97 other, 98 foreign origin (Chinese and romanised names).
_ETHNIC_NAMES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 "
    "黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 "
    "撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 "
    "京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
_ETHNIC_NAMES_EN = (
    "Han Mongol Hui Tibetan Uyghur Miao Yi Zhuang Bouyei Korean Manchu Dong Yao Bai Tujia Hani Kazak Dai "
    "Li Lisu Va She Gaoshan Lahu Sui Dongxiang Naxi Jingpo Kirgiz Tu Daur Mulao Qiang Blang "
    "Salar Maonan Gelao Xibe Achang Pumi Tajik Nu Uzbek Russian Ewenki Deang Bonan Yugur "
    "Gin Tatar Derung Oroqen Hezhen Monba Lhoba Jino"
).split()
ETHNICITY_CHOICES = [
    (f"{i:02d}", f"{zh} {en}") for i, (zh, en) in enumerate(zip(_ETHNIC_NAMES, _ETHNIC_NAMES_EN, strict=True), start=1)
] + [
    ("97", "其他 Other"),
    ("98", "外国血统 Foreign origin"),
]
Ethnicity = models.TextChoices("Ethnicity", [("HAN", ("01", "汉族 Han"))] + [
    (f"E{code}", (code, label)) for code, label in ETHNICITY_CHOICES[1:]
])
