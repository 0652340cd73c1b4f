"""The person import template: a data sheet with the Chinese headers and a sheet of instructions.

The data sheet holds only the header row (an example row there would be
imported by mistake); examples are on the instructions sheet. ID-like
columns are formatted as text so Excel keeps all 18 characters, and the
columns with fixed values carry drop-down lists.
"""

from __future__ import annotations

from pathlib import Path

from dsip.registry.imports.reader import COLUMNS

# (format / allowed values, example) per field, for the instructions sheet.
HELP: dict[str, tuple[str, str]] = {
    "name": ("姓名，最多50字", "张三"),
    "id_number": ("18位公民身份号码（或15位旧号码）；可含小写x、全角数字、空格，导入时自动规范", "11010519491231002X"),
    "sex": ("男/女；可不填，按身份证号判断，填写时须与身份证号一致", "女"),
    "birth_date": ("YYYY-MM-DD；可不填，填写时须与身份证号一致", "1949-12-31"),
    "ethnicity": ("民族名称，如 汉族/汉、回族；默认汉族", "汉族"),
    "division_code": ("户籍地区划代码，6、9或12位，须在您的管辖范围内", "420106001001"),
    "household_type": ("农业/非农业", "非农业"),
    "address": ("现住址，最多200字", "武昌区中山路1号"),
    "phone": ("11位手机号或带区号的固定电话", "13812345678"),
    "marital_status": ("未婚/已婚/丧偶/离婚", "已婚"),
    "education_level": ("未上过学/小学/初中/高中/中专/大专/本科及以上", "初中"),
    "relation_to_head": ("与户主关系，如 户主、配偶、子女", "户主"),
    "guardian_name": ("监护人姓名；填写监护人电话时必填", "李四"),
    "guardian_relation": ("如 父亲、母亲、配偶", "配偶"),
    "guardian_phone": ("同联系电话", "13912345678"),
    "certificate_number": ("第二代残疾人证号：身份证号+类别+等级，可带B1–B9补发后缀", "11010519491231002X42"),
    "category": ("1视力 2听力 3言语 4肢体 5智力 6精神 7多重，可填数字或名称", "4"),
    "level": ("1–4（一级最重），可填数字或 一级…四级", "2"),
    "issue_date": ("发证日期 YYYY-MM-DD", "2020-05-01"),
    "reassess_date": ("下次复评日期 YYYY-MM-DD，须晚于发证日期", "2026-05-01"),
    "components": ("仅多重残疾：类别:等级，逗号分隔，如 1:2,4:3", "1:2,4:3"),
    "dibao": ("是/否", "是"),
    "dibao_since": ("YYYY-MM-DD", "2021-01-01"),
    "dibao_until": ("YYYY-MM-DD，可空", ""),
    "tekun": ("是/否", "否"),
    "tekun_since": ("YYYY-MM-DD", ""),
    "tekun_until": ("YYYY-MM-DD", ""),
    "low_income": ("是/否", "否"),
    "low_income_since": ("YYYY-MM-DD", ""),
    "low_income_until": ("YYYY-MM-DD", ""),
}
LISTS = {
    "sex": "男,女",
    "household_type": "农业,非农业",
    "category": "1,2,3,4,5,6,7",
    "level": "1,2,3,4",
    "marital_status": "未婚,已婚,丧偶,离婚",
    "dibao": "是,否",
    "tekun": "是,否",
    "low_income": "是,否",
}
TEXT_FIELDS = {"id_number", "division_code", "phone", "guardian_phone", "certificate_number"}
GENERAL_NOTES = (
    "文件格式：XLSX（读取第一个工作表），或CSV（UTF-8、带BOM的UTF-8、GB18030/GBK均可）。",
    "第一行为表头，表头须与模板一致（带*为必填列）；列的顺序可以调整，不需要的可选列可以删除。",
    "空行会被跳过；行号按表格中显示的行号计算（表头为第1行）。",
    "公式单元格按Excel最后一次计算的结果读取；合并单元格按左上角的值读取；身份证号等长数字请设置为文本格式。",
    "只要有一行有错误，整份文件都不会导入（可选择“只导入正确的行”）；错误报告列出每一行的行号、列和原因。",
    "同一文件重复上传视为同一批次，不会重复导入。每份文件最多200,000行。",
)


def build_template(path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = Workbook()
    data = wb.active
    data.title = "人员信息"
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for col, (field, header, required) in enumerate(COLUMNS, start=1):
        cell = data.cell(row=1, column=col, value=f"{header}*" if required else header)
        cell.font = bold
        if required:
            cell.fill = required_fill
        letter = get_column_letter(col)
        data.column_dimensions[letter].width = max(12, len(header) * 2 + 4)
        if field in TEXT_FIELDS:
            data.column_dimensions[letter].number_format = "@"
            for row in range(2, 1002):
                data.cell(row=row, column=col).number_format = "@"
        if field in LISTS:
            dv = DataValidation(type="list", formula1=f'"{LISTS[field]}"', allow_blank=True)
            dv.add(f"{letter}2:{letter}200001")
            data.add_data_validation(dv)
    data.freeze_panes = "A2"

    notes = wb.create_sheet("填写说明")
    notes.append(["残疾人信息导入模板 填写说明"])
    notes["A1"].font = Font(bold=True, size=14)
    for text in GENERAL_NOTES:
        notes.append([text])
    notes.append([])
    notes.append(["列名", "字段", "必填", "格式/可选值", "示例"])
    for cell in notes[notes.max_row]:
        cell.font = bold
    for field, header, required in COLUMNS:
        fmt, example = HELP.get(field, ("", ""))
        notes.append([header, field, "是" if required else "否", fmt, example])
    for letter, width in zip("ABCDE", (18, 20, 6, 70, 26), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
