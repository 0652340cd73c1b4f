"""Choices of the person record, with Chinese and English labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male 男")
    FEMALE = "F", _("Female 女")


class DisabilityCategory(models.TextChoices):
    VISUAL = "1", _("Visual 视力")
    HEARING = "2", _("Hearing 听力")
    SPEECH = "3", _("Speech 言语")
    PHYSICAL = "4", _("Physical 肢体")
    INTELLECTUAL = "5", _("Intellectual 智力")
    MENTAL = "6", _("Mental 精神")
    MULTIPLE = "7", _("Multiple 多重")


class DisabilityLevel(models.TextChoices):
    ONE = "1", _("Level 1 一级")
    TWO = "2", _("Level 2 二级")
    THREE = "3", _("Level 3 三级")
    FOUR = "4", _("Level 4 四级")


class HouseholdType(models.TextChoices):
    AGRICULTURAL = "A", _("Agricultural 农业")
    NON_AGRICULTURAL = "N", _("Non-agricultural 非农业")


class MaritalStatus(models.TextChoices):
    UNMARRIED = "10", _("Unmarried 未婚")
    MARRIED = "20", _("Married 已婚")
    WIDOWED = "30", _("Widowed 丧偶")
    DIVORCED = "40", _("Divorced 离婚")


class EducationLevel(models.TextChoices):
    NONE = "0", _("No schooling 未上过学")
    PRIMARY = "1", _("Primary 小学")
    JUNIOR = "2", _("Junior secondary 初中")
    SENIOR = "3", _("Senior secondary 高中/中专")
    COLLEGE = "4", _("College 大专")
    BACHELOR = "5", _("Bachelor or above 本科及以上")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("Active 在册")
    DECEASED = "deceased", _("Deceased 死亡")
    MOVED_OUT = "moved_out", _("Moved out of the province 迁出本省")
    CERT_CANCELLED = "cert_cancelled", _("Certificate cancelled 证件注销")
    MERGED = "merged", _("Merged into another record 已合并")


class VersionSource(models.TextChoices):
    ENTRY = "entry", _("Entry 录入")
    IMPORT = "import", _("Import 导入")
    REVIEW = "review", _("Review 审核")
    FEED = "feed", _("Department feed 部门数据")
    MERGE = "merge", _("Merge 合并")
    SEED = "seed", _("Synthetic data 模拟数据")
    KEYS = "keys", _("Key rotation 密钥轮换")


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
