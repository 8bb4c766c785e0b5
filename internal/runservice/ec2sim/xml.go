package ec2sim

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"time"

	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/awswire"
)

// Response documents of EC2's query protocol: <ActionResponse xmlns=…>
// with requestId and the output members under their locationNames (lists
// as <item> elements), as the ec2 model of botocore defines them.

const xmlns = "http://ec2.amazonaws.com/doc/2016-11-15/"

// response is a response document; its members follow respMeta.
type response interface{ setRequestID(string) }

// respMeta is embedded first in every response document.
type respMeta struct {
	RequestID string `xml:"requestId"`
}

func (m *respMeta) setRequestID(id string) { m.RequestID = id }

func writeXML(w http.ResponseWriter, action string, body response) {
	requestID := w.Header().Get(awswire.RequestIDHeader)
	body.setRequestID(requestID)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: xmlns}}}
	if err := xml.NewEncoder(&buf).EncodeElement(body, start); err != nil {
		awswire.WriteEC2Error(w, requestID, awswire.NewError(http.StatusInternalServerError, "InternalError", "response encoding failed: "+err.Error()))
		return
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

type xmlTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func xmlTags(tags []tag) []xmlTag {
	out := make([]xmlTag, 0, len(tags))
	for _, t := range tags {
		out = append(out, xmlTag(t))
	}
	return out
}

func nameTags(name string) []xmlTag {
	if name == "" {
		return nil
	}
	return []xmlTag{{"Name", name}}
}

type xmlSubnet struct {
	SubnetID                string   `xml:"subnetId"`
	SubnetArn               string   `xml:"subnetArn"`
	State                   string   `xml:"state"`
	VpcID                   string   `xml:"vpcId"`
	CidrBlock               string   `xml:"cidrBlock"`
	AvailableIPAddressCount int      `xml:"availableIpAddressCount"`
	AvailabilityZone        string   `xml:"availabilityZone"`
	DefaultForAz            bool     `xml:"defaultForAz"`
	MapPublicIPOnLaunch     bool     `xml:"mapPublicIpOnLaunch"`
	OwnerID                 string   `xml:"ownerId"`
	Tags                    []xmlTag `xml:"tagSet>item"`
}

type xmlSecurityGroup struct {
	GroupID          string   `xml:"groupId"`
	GroupName        string   `xml:"groupName"`
	Description      string   `xml:"groupDescription"`
	VpcID            string   `xml:"vpcId"`
	OwnerID          string   `xml:"ownerId"`
	SecurityGroupArn string   `xml:"securityGroupArn"`
	Tags             []xmlTag `xml:"tagSet>item"`
}

type xmlLaunchTemplate struct {
	LaunchTemplateID     string   `xml:"launchTemplateId"`
	LaunchTemplateName   string   `xml:"launchTemplateName"`
	CreateTime           string   `xml:"createTime"`
	CreatedBy            string   `xml:"createdBy"`
	DefaultVersionNumber int64    `xml:"defaultVersionNumber"`
	LatestVersionNumber  int64    `xml:"latestVersionNumber"`
	Tags                 []xmlTag `xml:"tagSet>item,omitempty"`
}

type xmlVersion struct {
	LaunchTemplateID   string          `xml:"launchTemplateId"`
	LaunchTemplateName string          `xml:"launchTemplateName"`
	VersionNumber      int64           `xml:"versionNumber"`
	VersionDescription string          `xml:"versionDescription,omitempty"`
	CreateTime         string          `xml:"createTime"`
	CreatedBy          string          `xml:"createdBy"`
	DefaultVersion     bool            `xml:"defaultVersion"`
	Data               xmlTemplateData `xml:"launchTemplateData"`
}

type xmlTemplateData struct {
	EbsOptimized       *bool             `xml:"ebsOptimized,omitempty"`
	IamInstanceProfile *xmlIamProfile    `xml:"iamInstanceProfile,omitempty"`
	NetworkInterfaces  []xmlNetInterface `xml:"networkInterfaceSet>item,omitempty"`
	ImageID            string            `xml:"imageId,omitempty"`
	InstanceType       string            `xml:"instanceType,omitempty"`
	KeyName            string            `xml:"keyName,omitempty"`
	TagSpecifications  []xmlTagSpec      `xml:"tagSpecificationSet>item,omitempty"`
	SecurityGroupIDs   []string          `xml:"securityGroupIdSet>item,omitempty"`
}

type xmlIamProfile struct {
	Arn  string `xml:"arn,omitempty"`
	Name string `xml:"name,omitempty"`
}

type xmlNetInterface struct {
	AssociatePublicIPAddress *bool    `xml:"associatePublicIpAddress,omitempty"`
	DeleteOnTermination      *bool    `xml:"deleteOnTermination,omitempty"`
	DeviceIndex              *int64   `xml:"deviceIndex,omitempty"`
	Groups                   []string `xml:"groupSet>groupId,omitempty"`
	PrivateIPAddress         string   `xml:"privateIpAddress,omitempty"`
	SubnetID                 string   `xml:"subnetId,omitempty"`
}

type xmlTagSpec struct {
	ResourceType string   `xml:"resourceType"`
	Tags         []xmlTag `xml:"tagSet>item"`
}

func (t *launchTemplate) xml() xmlLaunchTemplate {
	return xmlLaunchTemplate{LaunchTemplateID: t.ID, LaunchTemplateName: t.Name, CreateTime: timestamp(t.Created), CreatedBy: t.CreatedBy,
		DefaultVersionNumber: t.DefaultVersion, LatestVersionNumber: t.latest(), Tags: xmlTags(t.Tags)}
}

func (t *launchTemplate) versionXML(v *version) xmlVersion {
	d := v.Data
	x := xmlTemplateData{EbsOptimized: d.EbsOptimized, ImageID: d.ImageID, InstanceType: d.InstanceType, KeyName: d.KeyName, SecurityGroupIDs: d.SecurityGroupIDs}
	if d.IamInstanceProfile != nil {
		x.IamInstanceProfile = &xmlIamProfile{Arn: d.IamInstanceProfile.Arn, Name: d.IamInstanceProfile.Name}
	}
	for _, ni := range d.NetworkInterfaces {
		x.NetworkInterfaces = append(x.NetworkInterfaces, xmlNetInterface{AssociatePublicIPAddress: ni.AssociatePublicIPAddress,
			DeleteOnTermination: ni.DeleteOnTermination, DeviceIndex: ni.DeviceIndex, Groups: ni.Groups, PrivateIPAddress: ni.PrivateIPAddress, SubnetID: ni.SubnetID})
	}
	for _, ts := range d.TagSpecifications {
		x.TagSpecifications = append(x.TagSpecifications, xmlTagSpec{ResourceType: ts.ResourceType, Tags: xmlTags(ts.Tags)})
	}
	return xmlVersion{LaunchTemplateID: t.ID, LaunchTemplateName: t.Name, VersionNumber: v.Number, VersionDescription: v.Description,
		CreateTime: timestamp(v.Created), CreatedBy: v.CreatedBy, DefaultVersion: v.Number == t.DefaultVersion, Data: x}
}
