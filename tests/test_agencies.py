"""Regions loaded by migration and load_regions; agency resolution by normalized name; region lookup."""
import pytest
from django.core.management import call_command

from agencies.checks import regions_loaded
from agencies.loading import load_regions
from agencies.models import Agency, AgencyAlias, Region, RegionName
from agencies.resolve import find_or_create_agency, infer_level, region_by_code, resolve_region
from reports.parsing.result import Metadata

pytestmark = pytest.mark.django_db


def test_migrate_loads_every_division_with_its_ancestors():
    assert Region.objects.count() == 3213
    county = Region.objects.select_related("parent", "province", "prefecture").get(code="130102")
    assert (county.name, county.level, county.parent.code, county.province.code, county.prefecture.code) == (
        "长安区", "county", "130100", "130000", "130100")
    hebei = Region.objects.get(code="130000")
    assert hebei.parent is None and hebei.province == hebei and hebei.prefecture is None
    shijiazhuang = Region.objects.get(code="130100")
    assert shijiazhuang.province == hebei and shijiazhuang.prefecture == shijiazhuang


def test_county_directly_under_a_municipality_has_no_prefecture():
    dongcheng = Region.objects.get(code="110101")
    assert dongcheng.parent.code == "110000" and dongcheng.province.code == "110000" and dongcheng.prefecture is None


def test_historical_names_resolve_to_todays_region():
    assert RegionName.objects.get(name="崇文区").region.code == "110101"  # merged into 东城区 in 2010
    assert RegionName.objects.filter(name="富阳市").first().region.name == "富阳区"


def test_load_regions_again_changes_nothing():
    summary = load_regions()
    assert (summary.regions_created, summary.regions_updated, summary.names_created, summary.names_updated) == (0, 0, 0, 0)


def test_load_regions_repairs_a_changed_row():
    Region.objects.filter(code="130102").update(name="错名", parent=None)
    summary = load_regions()
    assert summary.regions_updated == 1
    assert Region.objects.get(code="130102").name == "长安区"


def test_load_regions_command_reports_what_it_did(capsys):
    call_command("load_regions")
    assert "0 created" in capsys.readouterr().out


def test_system_check_warns_only_when_the_region_table_is_empty():
    assert regions_loaded(None) == []
    RegionName.objects.all().delete()
    Region.objects.update(parent=None, province=None, prefecture=None)
    Region.objects.all().delete()
    [warning] = regions_loaded(None)
    assert warning.id == "agencies.E001" and "load_regions" in warning.hint


@pytest.mark.parametrize("variant", ["河北省科学技术厅", "河北省 科学技术厅", "河北省科學技術廳", "  河北省科学技术厅\u3000",
                                     "河北省\u200b科学技术厅"])
def test_name_variants_find_the_same_agency(variant):
    first = find_or_create_agency("河北省科学技术厅")
    assert find_or_create_agency(variant) == first
    assert Agency.objects.count() == 1


def test_full_width_brackets_and_digits_do_not_make_a_second_agency():
    a = find_or_create_agency("某市第1分局(东区)")
    assert find_or_create_agency("某市第１分局（东区）") == a


def test_alias_finds_the_agency():
    agency = find_or_create_agency("河北省科学技术厅")
    AgencyAlias.objects.create(agency=agency, name="河北省科技厅")
    assert find_or_create_agency("河北省 科技廳") == agency
    assert Agency.objects.count() == 1


def test_known_agency_without_region_takes_the_region_given():
    agency = find_or_create_agency("某某局")
    hebei = Region.objects.get(code="130000")
    assert find_or_create_agency("某某局", region=hebei).region == hebei


def test_an_agency_needs_a_name():
    with pytest.raises(ValueError):
        find_or_create_agency("   ")


@pytest.mark.parametrize("name,level", [
    ("河北省教育厅", "province"), ("广西壮族自治区教育厅", "province"), ("河北省住房和城乡建设厅", "province"),
    ("北京市教育委员会", "province"), ("石家庄市教育局", "prefecture"), ("XX市国土资源局", "prefecture"),
    ("呼和浩特市国土资源局", "prefecture"), ("石家庄市长安区教育局", "county"), ("平潭县人民政府", "county"),
    ("北京市国土资源局海淀分局", "province"),  # the name starts with 北京市 only: the region decides below
    ("某某镇人民政府", "township"), ("国务院办公厅", "central"), ("某机关", "unknown"),
])
def test_agency_level_is_inferred_from_its_name(name, level):
    assert infer_level(name) == level


def test_a_more_specific_region_decides_the_level():
    haidian = Region.objects.get(code="110108")
    assert infer_level("北京市国土资源局海淀分局", haidian) == "county"


def test_region_by_current_or_historical_code():
    assert region_by_code("130102").name == "长安区"
    assert region_by_code("110103").name == "东城区"  # 崇文区's code
    assert region_by_code("999999") is None and region_by_code(None) is None


@pytest.mark.parametrize("meta,code", [
    (Metadata(region_code="350128"), "350128"),
    (Metadata(province="河北省"), "130000"),
    (Metadata(province="河北省", city="石家庄市", county="长安区"), "130102"),
    (Metadata(province="北京市", county="崇文区"), "110101"),
    (Metadata(province="内蒙古自治区", city="呼和浩特市"), "150100"),
    (Metadata(city="长安区"), None),  # 长安区 exists in 石家庄 and 西安: ambiguous without a province
    (Metadata(), None),
])
def test_resolve_region_from_metadata(meta, code):
    region = resolve_region(meta)
    assert (region.code if region else None) == code
