from datetime import date

from innobridge.directory.models import Organisation, Place, Sector
from innobridge.matching import services
from innobridge.testing import BaseTestCase


class MatchingTestCase(BaseTestCase):
    """Demo personas plus a need of Qingdao's cold-chain operator and offers in three scripts."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        green = Sector.objects.get(slug="green-tech")
        robots = Sector.objects.get(slug="ai-robotics")
        qingdao = Place.objects.get(slug="qingdao")
        shandong = Place.objects.get(slug="shandong")
        cls.buyer = Organisation.objects.get(slug="hualu-holdings")
        cls.need = services.need_save(
            owner=cls.buyer,
            title="冷链仓库屋顶降温，降低空调能耗",
            description="青岛港区的冷链仓库夏季屋顶温度过高，制冷机组耗电大。希望采用无需用电的被动降温材料，两年内回本。",
            place=qingdao,
            status="published",
            sectors=[green],
        )
        cls.cooling = services.offer_save(
            owner=cls.i2cool,
            title="建築物被動輻射製冷薄膜",
            summary="貼於屋頂的薄膜，把熱量以紅外線輻射到太空，無需電力。",
            description="實測令屋頂表面溫度下降攝氏十度，冷庫空調能耗減少三成，已在香港及廣東的冷鏈倉庫試點。",
            trl=8,
            status="published",
            sectors=[green],
            target_places=[shandong],
            today=date(2026, 6, 1),
        )
        cls.tower = services.offer_save(
            owner=cls.zehao,
            title="Cooling tower water treatment chemicals",
            description="Scale and corrosion inhibitors for industrial cooling towers in power plants.",
            trl=9,
            status="published",
            sectors=[green],
        )
        cls.robot = services.offer_save(
            owner=cls.zehao,
            title="仓储拣选机器人",
            description="基于机器视觉的自动拣选机器人。",
            trl=6,
            status="published",
            sectors=[robots],
        )
